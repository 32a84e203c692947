//! The demo (`server serve --demo`, never otherwise): accounts with fixed passwords that are
//! printed, and, on a store without records, a year and a half of generated work in the province
//! of today, so that each demo account's dashboard shows living figures on first sign-in.
//!
//! The records are deterministic (the same ids and contents on every new store) and go through
//! the sync path as the province officer's, so they are validated, scoped and counted as a
//! phone's would be. They cover the year before today's and today's year up to today, every kind
//! in every quarter: before 1 July 2025 in the communes of Huyện Tam Đường, from then on in the
//! communes that replaced them, directly under Tỉnh Lai Châu. The 2023 district plan and its
//! history are the seed's and stay as they are.

use crate::accounts::{self, NewOfficer};
use crate::dice::Dice;
use crate::error::ApiError;
use crate::model::{Actor, Baseline, BaselineName, Officer, ReceivingService};
use crate::plans::{self, NewPlan};
use crate::scope::Scope;
use crate::store::Store;
use crate::sync::{sync, Sender};
use domain::{ClientAnswers, ClientCodeRecipe, Date, Lang, ReferralService, Sex};
use serde_json::{json, Value};

pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    /// By internal id: codes are reused (`03390` named Thị trấn Tam Đường until 2025).
    pub org_unit_id: &'static str,
    pub password: &'static str,
}

pub const PROVINCE: &str = "ou-12";
const DISTRICT: &str = "ou-106";
/// The day the two-level government began.
const REFORM: &str = "2025-07-01";

/// The demo's receiving service: the province's regional health centre, which receives the
/// people referred for health services from every commune (`ttyt` confirms its slips).
const HEALTH_CENTRE_ID: &str = "rs-demo-ttyt";
const HEALTH_CENTRE_NAME: &str = "Trung tâm Y tế khu vực Tam Đường";
const HEALTH_CENTRE_SERVICES: [ReferralService; 6] = [
    ReferralService::HivTest,
    ReferralService::Prep,
    ReferralService::Arv,
    ReferralService::Sti,
    ReferralService::Methadone,
    ReferralService::Health,
];

pub const ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        username: "admin",
        display_name: "Quản trị viên Sở Y tế tỉnh Lai Châu",
        role: "admin",
        org_unit_id: PROVINCE,
        password: "demo-admin",
    },
    DemoAccount {
        username: "tinh",
        display_name: "Cán bộ Sở Y tế tỉnh Lai Châu",
        role: "province_officer",
        org_unit_id: PROVINCE,
        password: "demo-tinh",
    },
    DemoAccount {
        username: "binhlu",
        display_name: "Cán bộ xã Bình Lư",
        role: "commune_officer",
        org_unit_id: "ou-03390-20250701",
        password: "demo-binhlu",
    },
    DemoAccount {
        username: "taleng",
        display_name: "Cán bộ xã Tả Lèng",
        role: "commune_officer",
        org_unit_id: "ou-03405-20250701",
        password: "demo-taleng",
    },
    DemoAccount {
        username: "huyen",
        display_name: "Cán bộ Phòng LĐ-TB&XH huyện Tam Đường (đến 30/6/2025)",
        role: "district_officer",
        org_unit_id: DISTRICT,
        password: "demo-huyen",
    },
    DemoAccount {
        username: "ttyt",
        display_name: "Khoa Xét nghiệm, Trung tâm Y tế khu vực Tam Đường",
        role: "service_provider",
        org_unit_id: PROVINCE,
        password: "demo-ttyt",
    },
];

/// Creates the demo accounts that do not exist yet; existing ones are left as they are.
pub async fn ensure_accounts(store: &Store) -> Result<(), ApiError> {
    let services = store.receiving_services().await?;
    if !services
        .iter()
        .any(|service| service.id == HEALTH_CENTRE_ID)
    {
        let centre = ReceivingService {
            id: HEALTH_CENTRE_ID.into(),
            name: HEALTH_CENTRE_NAME.into(),
            org_unit_id: PROVINCE.into(),
            services: HEALTH_CENTRE_SERVICES.to_vec(),
            retired: false,
        };
        store
            .add_receiving_service(&centre, crate::clock::now_ms())
            .await?;
    }
    for account in &ACCOUNTS {
        if store.credentials(account.username).await?.is_some() {
            continue;
        }
        let new = NewOfficer {
            receiving_service_id: None,
            username: account.username.into(),
            display_name: Some(account.display_name.into()),
            role: account.role.into(),
            org_unit_id: account.org_unit_id.into(),
            password: account.password.into(),
        };
        accounts::create(store, new, &Actor::default()).await?;
    }
    Ok(())
}

/// The communes of Tam Đường until 30 June 2025, and those that replaced them.
const COMMUNES_BEFORE: [&str; 13] = [
    "ou-03390", "ou-03394", "ou-03400", "ou-03405", "ou-03406", "ou-03412", "ou-03413", "ou-03415",
    "ou-03418", "ou-03421", "ou-03424", "ou-03427", "ou-03430",
];
const COMMUNES_AFTER: [&str; 6] = [
    "ou-03390-20250701",
    "ou-03394-20250701",
    "ou-03405-20250701",
    "ou-03408-20250701",
    "ou-03424-20250701",
    "ou-03430-20250701",
];
const AGENCIES: [&str; 8] = [
    "Công an tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Tỉnh đoàn",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Sở Nội vụ",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
];
const SERVICES: [&str; 6] = ["HIV_TEST", "STI", "LEGAL", "PSYCHO", "EDU_VOC", "HEALTH"];
const BUSINESSES: [(&str, &str, i64); 3] = [
    ("Karaoke", "karaoke", 6),
    ("Nhà nghỉ", "guesthouse", 4),
    ("Massage", "massage", 5),
];
const VILLAGES: [&str; 4] = ["Bản Trung tâm", "Bản Mới", "Bản Cốc Pa", "Bản Nà Khum"];

/// Generates the demo's plans and records once, on a store that has no records, up to `today`;
/// says whether it did.
pub async fn ensure_current_year(store: &Store, today: Date) -> Result<bool, ApiError> {
    if store.last_change().await? > 0 {
        return Ok(false);
    }
    let Some((officer, _)) = store.credentials("tinh").await? else {
        return Ok(false);
    };
    ensure_plans(store, today).await?;
    let records = generated(today);
    send(store, &officer, &records).await?;
    Ok(true)
}

/// The province's plans of the year before and this year, each copied from the plan before it
/// (the 2023 district plan first) and confirmed, with the baselines their figures need.
async fn ensure_plans(store: &Store, today: Date) -> Result<(), ApiError> {
    let mut source = plans::plan_id(DISTRICT, 2023);
    for year in today.year() - 1..=today.year() {
        let id = plans::plan_id(PROVINCE, year);
        if store.plan(&id).await?.is_none() {
            let new = NewPlan {
                org_unit_id: PROVINCE.into(),
                year,
                title: Some(format!(
                    "Kế hoạch phòng, chống mại dâm năm {year} trên địa bàn tỉnh Lai Châu"
                )),
                issuer: Some("UBND tỉnh Lai Châu".into()),
                lead_agency: Some("Sở Y tế tỉnh Lai Châu".into()),
                recipients: Some(vec!["Bộ Y tế".into(), "UBND tỉnh Lai Châu".into()]),
                copy_from: Some(source.clone()),
                targets: Vec::new(),
            };
            plans::create(store, new, &Actor::default()).await?;
            for (name, unit, value) in baselines(year) {
                let baseline = Baseline {
                    name,
                    org_unit_id: unit.into(),
                    value,
                    to_confirm: false,
                };
                store.set_baseline(year, &baseline).await?;
            }
            if let Some(plan) = store.plan(&id).await? {
                plans::confirm(store, plan, &Actor::default()).await?;
            }
        }
        source = id;
    }
    Ok(())
}

/// The denominators no record gives, for `year`: each commune's pupils and officials, the
/// province's agencies and its own officials.
fn baselines(year: i32) -> Vec<(BaselineName, &'static str, i64)> {
    let mut list = vec![
        (BaselineName::RelevantAgencies, PROVINCE, 12),
        (BaselineName::DistrictOfficials, PROVINCE, 40),
    ];
    for (n, commune) in COMMUNES_AFTER.iter().enumerate() {
        let n = n as i64 + i64::from(year % 2);
        list.push((BaselineName::StudentsEnrolled, commune, 420 + 60 * n));
        list.push((BaselineName::CommuneOfficials, commune, 14 + n));
    }
    list
}

async fn send(store: &Store, officer: &Officer, records: &[Value]) -> Result<(), ApiError> {
    let units = store.org_units().await?;
    let scope = Scope::new(officer.role, &officer.org_unit.id, &units);
    let sender = Sender {
        officer,
        scope: &scope,
        ip: "127.0.0.1",
        device_id: "00000000-0000-4000-8000-00000000de70",
        by_phone: false,
    };
    for batch in records.chunks(500) {
        let results = sync(store, &sender, &units, batch, Lang::Vi).await?;
        if let Some(refused) = results.iter().find(|r| r.errors.is_some()) {
            tracing::warn!(id = %refused.id, errors = ?refused.errors, "a demo record was refused");
        }
    }
    Ok(())
}

/// One record in the sync envelope.
struct Demo {
    records: Vec<Value>,
    dice: Dice,
}

impl Demo {
    fn add(&mut self, kind: &str, unit: &str, day: Date, data: Value) -> String {
        let id = self.dice.id();
        self.records.push(json!({
            "id": id, "kind": kind, "org_unit_id": unit, "occurred_on": day.to_string(),
            "base_version": 0, "voided": false, "data": data,
        }));
        id
    }
}

/// The first day of a quarter, and its last day or `today`, whichever comes first.
fn quarter_days(year: i32, quarter: u32, today: Date) -> Option<(Date, Date)> {
    let first = Date::from_ymd(year, quarter * 3 - 2, 1)?;
    let last_month = quarter * 3;
    let last = (28..=31)
        .rev()
        .find_map(|day| Date::from_ymd(year, last_month, day))?;
    (first <= today).then_some((first, last.min(today)))
}

/// A day from `first` to `last`.
fn day_between(dice: &mut Dice, first: Date, last: Date) -> Date {
    let span = first.days_until(last).max(0);
    first.plus_days(dice.between(0, span))
}

/// Every demo record, from 1 January of the year before `today` up to `today`.
pub fn generated(today: Date) -> Vec<Value> {
    let reform: Date = REFORM.parse().unwrap_or(today);
    let mut demo = Demo {
        records: Vec::new(),
        dice: Dice(0x7a4d_d0e0_2025),
    };
    // Each commune's businesses, registered once, inspected later.
    let mut registers: Vec<(String, Vec<String>)> = Vec::new();
    for year in today.year() - 1..=today.year() {
        for quarter in 1..=4 {
            let Some((first, last)) = quarter_days(year, quarter, today) else {
                continue;
            };
            // A quarter split by the reform counts as before it: none is, for whole quarters.
            let (communes, lead): (&[&str], &str) = if first < reform {
                (&COMMUNES_BEFORE, DISTRICT)
            } else {
                (&COMMUNES_AFTER, PROVINCE)
            };
            for (n, commune) in communes.iter().enumerate() {
                commune_quarter(
                    &mut demo,
                    &mut registers,
                    commune,
                    n,
                    (year, quarter),
                    first,
                    last,
                );
            }
            lead_quarter(&mut demo, lead, quarter, first, last);
        }
    }
    demo.records
}

/// A commune's work in one quarter.
fn commune_quarter(
    demo: &mut Demo,
    registers: &mut Vec<(String, Vec<String>)>,
    commune: &str,
    n: usize,
    (year, quarter): (i32, u32),
    first: Date,
    last: Date,
) {
    let day = |demo: &mut Demo| day_between(&mut demo.dice, first, last);
    // Businesses enter the register in the commune's first quarter, and one more some years.
    let known = registers.iter().position(|(unit, _)| unit == commune);
    let opening = match known {
        None => 1 + n % 3,
        Some(_) if quarter == 1 && (n + year as usize).is_multiple_of(2) => 1,
        Some(_) => 0,
    };
    let mut ids = Vec::new();
    for (label, kind, workers) in BUSINESSES
        .iter()
        .cycle()
        .skip(n + year as usize)
        .take(opening)
    {
        let village = *demo.dice.pick(&VILLAGES);
        let workers = workers + demo.dice.between(0, 4);
        let data = json!({"name": format!("{label} {village}"), "type": kind, "workers": workers,
                          "female_workers": workers / 2 + 1, "village": village});
        let when = day(demo);
        ids.push(demo.add("business", commune, when, data));
    }
    match known {
        Some(at) => registers[at].1.extend(ids),
        None => registers.push((commune.to_string(), ids)),
    }
    // Outreach: most communes every quarter, to students, workers and the public.
    if demo.dice.chance(85) {
        for (format, audience) in [
            ("group_talk", "women"),
            ("school_session", "students"),
            ("workplace_session", "business_workers"),
        ] {
            let held = match audience {
                "women" => true,
                "students" => demo.dice.chance(70),
                _ => demo.dice.chance(45),
            };
            if !held {
                continue;
            }
            let (male, female) = match audience {
                "students" => (demo.dice.between(40, 90), demo.dice.between(40, 90)),
                "business_workers" => (demo.dice.between(0, 2), demo.dice.between(1, 3)),
                _ => (demo.dice.between(5, 20), demo.dice.between(15, 40)),
            };
            let data = json!({"format": format, "audience": audience, "reached_male": male,
                              "reached_female": female, "village": *demo.dice.pick(&VILLAGES)});
            let when = day(demo);
            demo.add("outreach_session", commune, when, data);
        }
    }
    // Referrals of people in need, most of whom reach the service a few days later.
    for _ in 0..demo.dice.between(0, 2) {
        let occurred = day(demo);
        let answers = ClientAnswers {
            mother_given_name: (*demo.dice.pick(&["Mai", "Lan", "Hoa", "Thu", "Pà", "Xuân"]))
                .into(),
            father_given_name: (*demo
                .dice
                .pick(&["Tuấn", "Sình", "Chứ", "Văn", "Páo", "Hùng"]))
            .into(),
            birth_year: demo.dice.between(1985, 2004) as i32,
            sex: Sex::Female,
        };
        let Ok(code) = ClientCodeRecipe::default().make(&answers) else {
            continue;
        };
        let accessed_on = occurred.plus_days(demo.dice.between(1, 10));
        let mut data = json!({"client_code": code.as_str(), "in_need_eligible": demo.dice.chance(85),
                              "consent": true, "service": *demo.dice.pick(&SERVICES),
                              "status": "referred"});
        if demo.dice.chance(65) && accessed_on <= last {
            data["status"] = json!("accessed");
            data["accessed_on"] = json!(accessed_on.to_string());
        }
        demo.add("referral", commune, occurred, data);
    }
    // Inspections of the register, now and then with a violation and a fine.
    let register = registers
        .iter()
        .find(|(unit, _)| unit == commune)
        .map(|(_, ids)| ids.clone())
        .unwrap_or_default();
    for business in &register {
        if !demo.dice.chance(45) {
            continue;
        }
        let violation = demo.dice.chance(20);
        let mut data = json!({"business_id": business, "violation_found": violation,
                              "team": "Đoàn kiểm tra liên ngành"});
        if violation {
            data["sanction"] = json!("Phạt tiền");
            data["fine_vnd"] = json!(demo.dice.between(3, 15) * 500_000);
        }
        let when = day(demo);
        demo.add("inspection", commune, when, data);
    }
    // Tip-offs, mostly handled within the 20 days.
    if demo.dice.chance(40) {
        let received = day(demo);
        let handled = received.plus_days(demo.dice.between(2, 28));
        let handled_on = (handled <= last).then(|| handled.to_string());
        demo.add(
            "tip_off",
            commune,
            received,
            json!({"channel": "hotline", "handled_on": handled_on}),
        );
    }
    // Once a year: the commune's plan early, a training of its officials in spring; a few pilots.
    if quarter == 1 || (year == 2025 && first.to_string().as_str() == REFORM) {
        if n % 6 != 5 {
            let when = day(demo);
            demo.add(
                "commune_plan",
                commune,
                when,
                json!({"title": format!("Kế hoạch phòng, chống mại dâm năm {year}")}),
            );
        }
        if n.is_multiple_of(3) {
            let when = day(demo);
            demo.add(
                "pilot_model",
                commune,
                when,
                json!({"name": "Mô hình phòng ngừa tại cộng đồng"}),
            );
        }
    }
    if quarter == 2 {
        let trainees = demo.dice.between(5, 10);
        let when = day(demo);
        demo.add(
            "training",
            commune,
            when,
            json!({"level": "commune", "trainees": trainees,
                   "course": "Nghiệp vụ phòng, chống mại dâm"}),
        );
    }
}

/// The lead unit's own work in one quarter: posts on both channels, agencies, a training.
fn lead_quarter(demo: &mut Demo, lead: &str, quarter: u32, first: Date, last: Date) {
    for channel in ["portal", "radio_tv"] {
        for _ in 0..demo.dice.between(1, 3) {
            let when = day_between(&mut demo.dice, first, last);
            demo.add("media_post", lead, when, json!({"channel": channel}));
        }
    }
    for offset in 0..2 {
        let agency = AGENCIES[(quarter as usize * 2 + offset) % AGENCIES.len()];
        let when = day_between(&mut demo.dice, first, last);
        demo.add(
            "agency_integration",
            lead,
            when,
            json!({"agency": agency, "programme": "Chương trình phòng, chống HIV/AIDS"}),
        );
    }
    if quarter == 1 || quarter == 3 {
        let trainees = demo.dice.between(12, 20);
        let when = day_between(&mut demo.dice, first, last);
        demo.add(
            "training",
            lead,
            when,
            json!({"level": "district", "trainees": trainees,
                   "course": "Tập huấn cán bộ làm công tác phòng, chống mại dâm"}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-12-01".parse().unwrap()
    }

    #[test]
    fn the_demo_is_the_same_on_every_store() {
        assert_eq!(generated(today()), generated(today()));
    }

    #[test]
    fn every_record_is_valid_and_dated_inside_its_units_life() {
        let records = generated(today());
        assert!(records.len() > 300, "{}", records.len());
        for record in &records {
            domain::validate_value(record, today())
                .unwrap_or_else(|errors| panic!("{record}: {errors:?}"));
            let day = record["occurred_on"].as_str().unwrap();
            let unit = record["org_unit_id"].as_str().unwrap();
            let after = unit == PROVINCE || unit.ends_with("-20250701");
            assert_eq!(after, day >= REFORM, "{unit} on {day}");
            assert!(("2025-01-01"..="2026-12-01").contains(&day), "{day}");
        }
    }

    #[test]
    fn every_kind_in_every_quarter_of_today_s_communes() {
        let records = generated(today());
        use domain::Coded;
        for kind in domain::RecordKind::ALL {
            let kind = kind.as_str();
            assert!(
                records
                    .iter()
                    .any(|r| r["kind"] == kind
                        && r["occurred_on"].as_str().unwrap().starts_with("2026")),
                "{kind}"
            );
        }
        for quarter in ["2026-01", "2026-04", "2026-07", "2026-10"] {
            let month: u32 = quarter[5..].parse().unwrap();
            let in_quarter = |r: &&Value| {
                let day = r["occurred_on"].as_str().unwrap();
                let m: u32 = day[5..7].parse().unwrap();
                day.starts_with("2026") && (month..month + 3).contains(&m)
            };
            for commune in COMMUNES_AFTER {
                assert!(
                    records
                        .iter()
                        .filter(in_quarter)
                        .any(|r| r["org_unit_id"] == commune),
                    "{commune} in {quarter}"
                );
            }
        }
    }
}

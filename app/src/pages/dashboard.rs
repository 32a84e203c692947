//! The indicators at `/indicators`: the plan's twelve indicators of the officer's unit, year to
//! date by quarter, each as a card with its value, target, status and a bar drawn against the
//! target, a line of the year's quarters, a commune-by-indicator table for the district, and the
//! quarterly report's downloads. The last figures fetched for each period stay on the phone
//! (`offline::figures`) and are shown with their time when the server cannot be reached. A
//! commune officer's phone makes the commune's own figures from the records it holds, by the
//! domain's definitions, offline and until the server answers, marked "from this phone". A note,
//! until closed, says which figures are counted differently since issue 16.

use domain::indicator::{Figure, IndicatorCode, Op, Status, Target, Unit};
use domain::report::{received, Cell, ShownFigure, ShownValue};
use domain::Coded as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::routes::PRINT;
use crate::api::{
    ApiFailure, CommuneFigures, IndicatorAnswer, IndicatorReport, IndicatorValue, Officer,
    PlanHeader, QuarterApproval, Role,
};
use crate::auth::{kept_settings, use_auth};
use crate::i18n::{failure_text, tr, use_i18n, Key, Lang};
use crate::offline::figures::{
    close_counting_note, counting_note_closed, keep_figures, kept_figures, phone_figures,
    phone_records, units_under, Basis, Kept,
};
use crate::offline::{self, clock, OfficerStorage, PhoneStorage};
use crate::state::use_app_state;
use domain::indicator::definitions::DEFAULT_DEADLINE_DAYS;
use domain::indicator::Period;

/// The first year of the plan; the year picker starts there.
const FIRST_YEAR: i32 = 2023;

/// The indicator's name in the current language; an indicator the app does not know by its code.
pub(super) fn indicator_name(code: &str, lang: Lang) -> String {
    IndicatorCode::parse(code).map_or_else(|| code.to_string(), |code| code.label(lang).into())
}

/// Whether the code is one of the plan's twelve indicators (which have targets), not a plain count.
pub(super) fn has_target(code: &str) -> bool {
    IndicatorCode::parse(code).is_some()
}

fn indicator_unit(code: &str, lang: Lang) -> &'static str {
    IndicatorCode::parse(code).map_or("", |code| code.counted().label(lang))
}

/// `TT01` for `PCMD-TT01`: narrow enough for a table column.
pub(super) fn short_code(code: &str) -> &str {
    code.strip_prefix("PCMD-").unwrap_or(code)
}

/// What the dashboard shows for one period: the report (with each commune's figures for a
/// district) and the year-to-date indicators of the year's quarters so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Snapshot {
    pub report: IndicatorReport,
    pub quarters: Vec<(u32, Vec<IndicatorValue>)>,
    /// A commune's approved quarter: its figures are those frozen at approval.
    #[serde(default)]
    pub approval: Option<QuarterApproval>,
}

/// "Approved by … on …" beside figures frozen at a quarter's approval.
#[component]
pub(super) fn ApprovalLine(approval: Option<QuarterApproval>) -> impl IntoView {
    let i18n = use_i18n();
    approval.map(|approval| {
        let text = move || {
            i18n.t(Key::QuarterApprovedBy)
                .replace("{name}", &approval.approved_by)
                .replace("{date}", &clock::vietnam_day(&approval.approved_at))
        };
        view! { <p class="notice ok" data-testid="approval">{text}</p> }
    })
}

/// Where the figures on screen come from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shown {
    Loading,
    /// Just fetched from the server.
    Fresh(Snapshot),
    /// Kept on the phone at that time (ms since 1970): the server could not be reached.
    Kept(u64, Snapshot),
    /// Made on this phone from its records (a commune officer's), while the server cannot be
    /// reached or has not answered yet (then `true`).
    Phone(OnPhone, bool),
    /// No signal and nothing kept for this period.
    Nothing,
    Failed(ApiFailure),
}

/// A commune's figures made on the phone, and what they rest on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct OnPhone {
    pub snapshot: Snapshot,
    /// Records counted, and of those not yet sent.
    pub records: usize,
    pub unsent: usize,
    /// When the phone last synced (ms since 1970): colleagues' records after that are missing.
    pub synced_at: Option<u64>,
    /// When the server answer the targets and denominators come from was fetched.
    pub basis_at: Option<u64>,
}

/// The figures of the officer's commune for the period from the records on this phone, for a
/// commune officer only (a district's are many communes' records, which no phone holds). Targets
/// and denominators come from the server's last answer of the year the phone kept; none for a
/// commune that did not exist yet in the period (the server maps it to its predecessors).
fn on_phone(officer: &Officer, (year, quarter): (i32, u32)) -> Option<OnPhone> {
    if sees_communes(officer) {
        return None;
    }
    let kept: Option<Kept<Snapshot>> = std::iter::once(quarter)
        .chain((1..=4).rev().filter(|q| *q != quarter))
        .find_map(|q| kept_figures::<_, Snapshot>(&OfficerStorage, &officer.id, year, q));
    if kept.as_ref().is_some_and(|k| {
        k.figures
            .report
            .mapped_from
            .as_ref()
            .is_some_and(|m| !m.is_empty())
    }) {
        return None;
    }
    // The deadline as last fetched: the server keeps one per year, and the phone only the one in
    // force now, which is the year's for this year's figures.
    let deadline = kept_settings(&officer.id).map_or(DEFAULT_DEADLINE_DAYS, |s| {
        i64::from(s.tip_off_deadline_days)
    });
    let basis = kept.as_ref().map_or_else(
        || Basis::unknown(deadline),
        |k| Basis::from_report(&k.figures.report, deadline),
    );
    let outbox = offline::outbox(&officer.id);
    let entries = offline::timed("pcmd.outbox.load", || outbox.entries());
    let known = outbox.org_units();
    let units = units_under(&officer.org_unit.id, &known);
    let today = clock::today();
    let records = phone_records(&entries, &units, today);
    let mut quarters = Vec::new();
    for q in 1..=quarter {
        let period = Period::new(year, Some(q))?;
        let figures = phone_figures(&records, &officer.org_unit.id, period, today, &basis);
        quarters.push((q, figures));
    }
    let indicators = quarters.last()?.1.clone();
    let report = IndicatorReport {
        year,
        quarter: Some(quarter),
        org_unit_id: officer.org_unit.id.clone(),
        plan: kept.as_ref().and_then(|k| k.figures.report.plan.clone()),
        indicators,
        counts: Vec::new(),
        communes: None,
        mapped_from: None,
        unmapped: None,
        suppressed: false,
    };
    Some(OnPhone {
        snapshot: Snapshot {
            report,
            quarters,
            approval: None,
        },
        records: records.records.len(),
        unsent: records.unsent,
        synced_at: outbox.last_synced(),
        basis_at: kept.map(|k| k.at),
    })
}

/// The current quarter in Vietnam.
pub(super) fn current_period() -> (i32, u32) {
    let today = clock::today();
    (today.year(), today.month().div_ceil(3))
}

/// A year and quarter from the address (`?year=&quarter=`), else the current quarter.
pub(super) fn period_from_query(year: Option<String>, quarter: Option<String>) -> (i32, u32) {
    let (this_year, this_quarter) = current_period();
    let year = year
        .and_then(|y| y.parse().ok())
        .filter(|y| (1900..=9999).contains(y))
        .unwrap_or(this_year);
    let quarter = quarter
        .and_then(|q| q.parse().ok())
        .filter(|q| (1..=4).contains(q))
        .unwrap_or(this_quarter);
    (year, quarter)
}

/// Whether the officer's reports include each commune's figures.
pub(super) fn sees_communes(officer: &Officer) -> bool {
    officer.role != Role::CommuneOfficer
}

fn indicators_path(
    officer: &Officer,
    year: i32,
    quarter: u32,
    by_commune: bool,
    units_of: Option<i32>,
    suppress: Option<bool>,
) -> String {
    let by = match (by_commune, units_of) {
        (true, Some(units)) => format!("&by=commune&units_of={units}"),
        (true, None) => "&by=commune".to_string(),
        (false, _) => String::new(),
    };
    let suppress = suppress.map_or_else(String::new, |s| format!("&suppress={s}"));
    format!(
        "/api/v1/indicators?year={year}&quarter={quarter}&org_unit={}{by}{suppress}",
        officer.org_unit.id
    )
}

/// The quarters of `year` whose figures exist by now: all four of a past year, those up to today
/// of this year.
fn quarters_so_far(year: i32) -> u32 {
    let (this_year, this_quarter) = current_period();
    match year.cmp(&this_year) {
        std::cmp::Ordering::Less => 4,
        std::cmp::Ordering::Equal => this_quarter,
        std::cmp::Ordering::Greater => 0,
    }
}

/// Fetches the period's figures into `shown` (with the other quarters' when `trend`), keeping
/// them on the phone; without signal, shows what the phone kept. `generation` drops the answers
/// of a period that is no longer on screen. With `units_of`, the communes are those of that year
/// (each with the period's communes that became it); such figures are not kept. `suppress` asks
/// for small counts hidden or not (none: as the server gives the officer's role); only the
/// dashboard's own figures are kept, and an explicit ask falls back on them offline only when
/// they were hidden alike.
#[allow(clippy::too_many_arguments)]
pub(super) fn load_period(
    officer: Officer,
    period: (i32, u32),
    units_of: Option<i32>,
    suppress: Option<bool>,
    online: bool,
    trend: bool,
    shown: RwSignal<Shown>,
    generation: StoredValue<u32>,
) {
    load(
        officer, period, units_of, suppress, online, trend, shown, generation, None,
    );
}

/// [`load_period`], and with `phone` (the dashboard's own figures of a commune officer) the
/// commune's figures made on the phone shown offline and until the server answers.
#[allow(clippy::too_many_arguments)]
fn load(
    officer: Officer,
    (year, quarter): (i32, u32),
    units_of: Option<i32>,
    suppress: Option<bool>,
    online: bool,
    trend: bool,
    shown: RwSignal<Shown>,
    generation: StoredValue<u32>,
    phone: Option<OnPhone>,
) {
    let auth = use_auth();
    let token = generation.get_value().wrapping_add(1);
    generation.set_value(token);
    // The page may be gone when an answer arrives: then its values are disposed.
    let current = move || generation.try_get_value() == Some(token);
    let kept = {
        let officer_id = officer.id.clone();
        move || {
            kept_figures::<_, Snapshot>(&OfficerStorage, &officer_id, year, quarter)
                .filter(|_| units_of.is_none())
                .filter(|k| suppress.is_none_or(|s| k.figures.report.suppressed == s))
        }
    };
    // Without the server: the phone's own figures, else the last ones fetched.
    let fallback = {
        let kept = kept.clone();
        let phone = phone.clone();
        move || match phone.clone() {
            Some(phone) => Shown::Phone(phone, false),
            None => kept().map_or(Shown::Nothing, |k| Shown::Kept(k.at, k.figures)),
        }
    };
    if !online {
        shown.set(fallback());
        return;
    }
    shown.set(phone.map_or(Shown::Loading, |phone| Shown::Phone(phone, true)));
    spawn_local(async move {
        let by_commune = sees_communes(&officer);
        let path = indicators_path(&officer, year, quarter, by_commune, units_of, suppress);
        let IndicatorAnswer { report, approval } = match offline::api_get(&path).await {
            Ok(answer) => answer,
            Err(failure) => {
                auth.note(&failure);
                if !current() {
                    return;
                }
                shown.set(match failure {
                    ApiFailure::Offline | ApiFailure::Unauthenticated => fallback(),
                    failure => Shown::Failed(failure),
                });
                return;
            }
        };
        // Quarters fetched before stay for the progress line until fetched again.
        let mut quarters: Vec<(u32, Vec<IndicatorValue>)> =
            kept().map(|k| k.figures.quarters).unwrap_or_default();
        quarters.retain(|(q, _)| *q != quarter);
        quarters.push((quarter, report.indicators.clone()));
        quarters.sort_by_key(|(q, _)| *q);
        let mut snapshot = Snapshot {
            report,
            quarters,
            approval,
        };
        let keep = |snapshot: &Snapshot| {
            if units_of.is_some() || suppress.is_some() {
                return;
            }
            // Only a convenience for later: a full phone keeps its records, not these.
            let _ = keep_figures(
                &OfficerStorage,
                &officer.id,
                year,
                quarter,
                snapshot,
                offline::now_ms(),
            );
        };
        keep(&snapshot);
        if !current() {
            return;
        }
        shown.set(Shown::Fresh(snapshot.clone()));
        if !trend {
            return;
        }
        for other in (1..=quarters_so_far(year).max(quarter)).filter(|q| *q != quarter) {
            if !current() {
                return;
            }
            let path = indicators_path(&officer, year, other, false, None, suppress);
            if let Ok(report) = offline::api_get::<IndicatorReport>(&path).await {
                snapshot.quarters.retain(|(q, _)| *q != other);
                snapshot.quarters.push((other, report.indicators));
            }
        }
        snapshot.quarters.sort_by_key(|(q, _)| *q);
        keep(&snapshot);
        if current() {
            shown.set(Shown::Fresh(snapshot));
        }
    });
}

/// `69,2` in Vietnamese, `69.2` in English; whole numbers without decimals.
pub(super) fn number(value: f64, lang: Lang) -> String {
    let text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `69,2 %` for a percentage, `2` for a count; a no-break space keeps the sign with its number.
pub(super) fn amount(value: f64, unit: Unit, lang: Lang) -> String {
    match unit {
        Unit::Percent => format!("{}\u{a0}%", number(value, lang)),
        Unit::Count => number(value, lang),
    }
}

/// A figure's value as shown: `69,2 %`, a dash without data, `x` when hidden.
pub(super) fn value_text(shown: &ShownFigure, unit: Unit, lang: Lang) -> String {
    match shown.value {
        ShownValue::Value(v) => amount(v, unit, lang),
        ShownValue::NoData => "—".into(),
        ShownValue::Hidden => Cell::Hidden.to_string(),
    }
}

/// What a screen reader adds after a hidden count (`<5` or `x`): that it is hidden, and why.
pub(super) fn hidden_note(cells: &[Cell]) -> Option<impl IntoView> {
    let key = if cells.contains(&Cell::Small) {
        Key::HiddenSmall
    } else if cells.iter().any(|cell| !cell.is_shown()) {
        Key::HiddenCell
    } else {
        return None;
    };
    Some(view! { <span class="visually-hidden">" "{tr(key)}</span> })
}

/// `≥ 70 %`, or a dash without a target.
pub(super) fn target_text(target: Option<Target>, unit: Unit, lang: Lang) -> String {
    let Some(target) = target else {
        return "—".into();
    };
    let op = match target.op {
        Op::AtLeast => "≥",
        Op::AtMost => "≤",
        Op::Exactly => "=",
    };
    format!("{op}\u{a0}{}", amount(target.value, unit, lang))
}

/// `9/13 xã`: what the value is made of.
pub(super) fn fraction_text(code: &str, numerator: &str, denominator: &str, lang: Lang) -> String {
    let unit = indicator_unit(code, lang);
    format!("{numerator}/{denominator} {unit}")
}

pub(super) fn status_key(status: Status) -> Key {
    match status {
        Status::Met => Key::StatusMet,
        Status::NotMet => Key::StatusNotMet,
        Status::NoData => Key::StatusNoData,
        Status::NoTarget => Key::StatusNoTarget,
        Status::NotApplicable => Key::StatusNotApplicable,
    }
}

/// A sign beside the status text, so the status never rests on colour alone.
fn status_sign(status: Status) -> &'static str {
    match status {
        Status::Met => "✓",
        Status::NotMet => "✗",
        Status::NoData => "–",
        Status::NoTarget => "○",
        Status::NotApplicable => "·",
    }
}

pub(super) fn status_class(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::NotMet => "not-met",
        Status::NoData => "no-data",
        Status::NoTarget => "no-target",
        Status::NotApplicable => "not-applicable",
    }
}

/// How far a figure is toward its target, for the commune table's colours: met, at least half
/// way, less, or nothing to compare.
fn progress_class(figure: &Figure, target: Option<Target>) -> &'static str {
    match (figure.status, figure.value, target) {
        (Status::Met, _, _) => "p-met",
        (Status::NotMet, Some(value), Some(target))
            if target.op == Op::AtLeast && value >= target.value / 2.0 =>
        {
            "p-near"
        }
        (Status::NotMet, _, _) => "p-far",
        _ => "p-none",
    }
}

/// The top of the scale a bar or line is drawn on: 100 % (or more when a value passes it), and
/// for a count twice its target, so that the target sits mid-way.
fn scale_top(unit: Unit, target: Option<Target>, values: impl Iterator<Item = f64>) -> f64 {
    let base = match unit {
        Unit::Percent => 100.0,
        Unit::Count => target.map_or(1.0, |t| t.value * 2.0).max(1.0),
    };
    values.fold(base, f64::max)
}

/// The value as a bar on a track, with the target as an upright line across it.
fn bar(figure: &Figure, target: Option<Target>) -> impl IntoView {
    let top = scale_top(figure.unit, target, figure.value.into_iter());
    let width = figure
        .value
        .map_or(0.0, |v| (v / top * 100.0).clamp(0.0, 100.0));
    let marker = target.map(|t| (t.value / top * 100.0).clamp(0.5, 99.5));
    view! {
        <svg class="bar" viewBox="0 0 100 16" preserveAspectRatio="none" aria-hidden="true">
            <rect class="track" x="0" y="4" width="100" height="8" />
            <rect class=format!("fill {}", status_class(figure.status)) x="0" y="4" width=format!("{width:.2}") height="8" />
            {marker.map(|x| view! {
                <line class="target-line" x1=format!("{x:.2}") x2=format!("{x:.2}") y1="0" y2="16"
                    vector-effect="non-scaling-stroke" />
            })}
        </svg>
    }
}

/// The year-to-date value at the end of each quarter, Q1 to Q4, with the target as a dashed line.
fn trend(
    code: &str,
    quarters: &[(u32, Vec<IndicatorValue>)],
    unit: Unit,
    target: Option<Target>,
    lang: Lang,
) -> impl IntoView {
    let points: Vec<(u32, Figure, ShownFigure)> = quarters
        .iter()
        .filter_map(|(q, figures)| {
            let found = figures.iter().find(|f| f.code == code)?;
            let shown = received(&found.figure, found.suppressed.as_ref());
            Some((*q, found.figure, shown))
        })
        .collect();
    let top = scale_top(unit, target, points.iter().filter_map(|(_, f, _)| f.value));
    let x = |q: u32| 20.0 + 40.0 * f64::from(q - 1);
    let y = |v: f64| 30.0 - (v / top).clamp(0.0, 1.0) * 26.0;
    let line: Vec<String> = points
        .iter()
        .filter_map(|(q, f, _)| Some(format!("{:.1},{:.1}", x(*q), y(f.value?))))
        .collect();
    let label = points
        .iter()
        .map(|(q, _, shown)| format!("Q{q}: {}", value_text(shown, unit, lang)))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <svg class="trend" viewBox="0 0 160 44" role="img" aria-label=label>
            {target.map(|t| {
                let ty = format!("{:.1}", y(t.value));
                view! { <line class="trend-target" x1="4" x2="156" y1=ty.clone() y2=ty /> }
            })}
            <polyline class="trend-line" points=line.join(" ") />
            {points.iter().filter_map(|(q, f, _)| {
                let v = f.value?;
                Some(view! {
                    <circle class=format!("dot {}", status_class(f.status)) cx=format!("{:.1}", x(*q))
                        cy=format!("{:.1}", y(v)) r="3.5" />
                })
            }).collect_view()}
            {(1..=4u32).map(|q| view! {
                <text x=format!("{:.0}", x(q)) y="42" text-anchor="middle">{format!("Q{q}")}</text>
            }).collect_view()}
        </svg>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let app = use_app_state();
    let i18n = use_i18n();
    let query = use_query_map();
    // Set after hydration, from the address or the Vietnam clock, so the first render is the
    // server's whatever day the page was cached on.
    let period = RwSignal::new(None::<(i32, u32)>);
    // Report files leave the district: small counts hidden unless the officer says otherwise.
    let suppress = RwSignal::new(true);
    let shown = RwSignal::new(Shown::Loading);
    let generation = StoredValue::new(0u32);
    // The communes of today's map rather than the period's, for a past year.
    let today_units = RwSignal::new(false);
    Effect::new(move |_| {
        let (year, quarter) = query.with_untracked(|q| (q.get("year"), q.get("quarter")));
        period.set(Some(period_from_query(year, quarter)));
    });
    let officer = Memo::new(move |_| auth.officer.get());
    Effect::new(move |_| {
        let (Some(period), Some(officer)) = (period.get(), officer.get()) else {
            return;
        };
        let this_year = current_period().0;
        let units_of = (today_units.get() && period.0 < this_year).then_some(this_year);
        let phone = units_of
            .is_none()
            .then(|| on_phone(&officer, period))
            .flatten();
        load(
            officer,
            period,
            units_of,
            None,
            app.online.get(),
            true,
            shown,
            generation,
            phone,
        );
    });
    let offers_today_units = move || {
        let past = period
            .get()
            .is_some_and(|(year, _)| year < current_period().0);
        past && officer.with(|o| o.as_ref().is_some_and(sees_communes))
    };

    view! {
        <h1>{tr(Key::NavIndicators)}</h1>
        <p class="muted">{tr(Key::DashboardIntro)}</p>
        <CountingNote />
        {move || period.get().map(|p| view! { <PeriodPicker period=p set=period /> })}
        <Show when=offers_today_units>
            <label class="check-row" data-testid="today-units">
                <input type="checkbox" prop:checked=today_units
                    on:change=move |ev| today_units.set(event_target_checked(&ev)) />
                <span>{move || i18n.t(Key::TodayUnits).replace("{y}", &current_period().0.to_string())}</span>
            </label>
        </Show>
        {move || match shown.get() {
            Shown::Loading => view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any(),
            Shown::Nothing => view! {
                <p class="notice" data-testid="figures-none">{tr(Key::FiguresNeverFetched)}</p>
            }.into_any(),
            Shown::Failed(failure) => view! {
                <p class="error" role="alert">{failure_text(i18n, &failure)}</p>
            }.into_any(),
            Shown::Fresh(snapshot) => view! { <Figures snapshot /> }.into_any(),
            Shown::Phone(phone, loading) => view! { <PhoneFigures phone loading /> }.into_any(),
            Shown::Kept(at, snapshot) => view! {
                <p class="notice" role="status" data-testid="figures-as-of">
                    {tr(Key::FiguresKeptNote)}<br />
                    {move || format!("{} {}", i18n.t(Key::FiguresAsOf), clock::vietnam_time(at))}
                </p>
                <Figures snapshot />
            }.into_any(),
        }}
        {move || period.get().map(|p| view! { <Downloads period=p suppress /> })}
        {move || period.get().map(|p| view! { <super::follow_up::FollowUp period=p /> })}
    }
}

/// The commune's figures made on this phone, under what they include and leave out.
#[component]
fn PhoneFigures(phone: OnPhone, loading: bool) -> impl IntoView {
    let i18n = use_i18n();
    let OnPhone {
        snapshot,
        records,
        unsent,
        synced_at,
        basis_at,
    } = phone;
    let counted = move || {
        i18n.t(Key::FiguresOnPhoneRecords)
            .replace("{n}", &records.to_string())
            .replace("{w}", &unsent.to_string())
    };
    let others = move || match synced_at {
        Some(at) => i18n
            .t(Key::FiguresOnPhoneSince)
            .replace("{t}", &clock::vietnam_time(at)),
        None => i18n.t(Key::FiguresOnPhoneNeverSynced).to_string(),
    };
    let basis = move || match basis_at {
        Some(at) => i18n
            .t(Key::FiguresOnPhoneBasis)
            .replace("{t}", &clock::vietnam_time(at)),
        None => i18n.t(Key::FiguresOnPhoneNoBasis).to_string(),
    };
    view! {
        <section class="notice on-phone" role="status" data-testid="figures-on-phone">
            <h2 class="on-phone-title">
                <span aria-hidden="true">"📱 "</span>{tr(Key::FiguresOnPhone)}
            </h2>
            <p data-testid="on-phone-records">{counted}</p>
            <p data-testid="on-phone-others">{others}</p>
            <p data-testid="on-phone-basis">{basis}</p>
            {loading.then(|| view! { <p data-testid="on-phone-loading">{tr(Key::FiguresOnPhoneLoading)}</p> })}
        </section>
        <div class="from-phone" data-testid="phone-figures">
            <Figures snapshot />
        </div>
    }
}

/// Which figures are counted differently since the definitions followed the plan's sentences
/// (issue 16), until the officer closes it on this phone.
#[component]
fn CountingNote() -> impl IntoView {
    // Read after hydration: the server's render has the note closed, as a first visit would not.
    let open = RwSignal::new(false);
    Effect::new(move |_| open.set(!counting_note_closed(&PhoneStorage)));
    let lines = [
        Key::ChangedTt02,
        Key::ChangedTt03,
        Key::ChangedTt04,
        Key::ChangedKh01,
        Key::ChangedKh02,
        Key::ChangedMh01,
        Key::ChangedTg01,
        Key::ChangedHt01,
        Key::ChangedTh,
    ];
    view! {
        <Show when=move || open.get()>
            <aside class="counting-note" data-testid="counting-note" aria-labelledby="counting-note-title">
                <h2 id="counting-note-title">{tr(Key::CountingChangedTitle)}</h2>
                <p>{tr(Key::CountingChangedIntro)}</p>
                <ul>{lines.map(|key| view! { <li>{tr(key)}</li> }).collect_view()}</ul>
                <button type="button" class="button secondary" data-testid="close-counting-note"
                    on:click=move |_| {
                        close_counting_note(&PhoneStorage);
                        open.set(false);
                    }>{tr(Key::CountingNoteClose)}</button>
            </aside>
        </Show>
    }
}

#[component]
fn PeriodPicker(period: (i32, u32), set: RwSignal<Option<(i32, u32)>>) -> impl IntoView {
    let (year, quarter) = period;
    let this_year = current_period().0;
    let first = FIRST_YEAR.min(year);
    let last = this_year.max(year);
    view! {
        <div class="period-picker">
            <label>
                <span>{tr(Key::Year)}</span>
                <select name="year" data-testid="pick-year" on:change=move |ev| {
                    if let Ok(y) = event_target_value(&ev).parse() {
                        set.set(Some((y, quarter)));
                    }
                }>
                    {(first..=last).rev().map(|y| view! {
                        <option value=y.to_string() selected=y == year>{y}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{tr(Key::Quarter)}</span>
                <select name="quarter" data-testid="pick-quarter" on:change=move |ev| {
                    if let Ok(q) = event_target_value(&ev).parse() {
                        set.set(Some((year, q)));
                    }
                }>
                    {(1..=4u32).map(|q| view! {
                        <option value=q.to_string() selected=q == quarter>{q}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// "Xã Bình Lư, Xã Sơn Bình": units by name, in the server's order.
fn names(units: &[crate::api::UnitRef]) -> String {
    units
        .iter()
        .map(|unit| unit.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn Figures(snapshot: Snapshot) -> impl IntoView {
    let i18n = use_i18n();
    let Snapshot {
        report,
        quarters,
        approval,
    } = snapshot;
    let cards = report
        .indicators
        .iter()
        .map(|indicator| view! { <IndicatorCard indicator=indicator.clone() quarters=quarters.clone() /> })
        .collect_view();
    let communes = report.communes.filter(|list| !list.is_empty());
    let listed = |units: &Option<Vec<crate::api::UnitRef>>| {
        units
            .as_deref()
            .filter(|units| !units.is_empty())
            .map(names)
    };
    let mapped = listed(&report.mapped_from);
    let unmapped = listed(&report.unmapped);
    let year = report.year;
    view! {
        <PlanLine plan=report.plan year=report.year />
        <ApprovalLine approval />
        {report.suppressed.then(|| view! {
            <p class="notice" data-testid="figures-suppressed">{tr(Key::FiguresSuppressed)}</p>
        })}
        {mapped.map(|list| view! {
            <p class="notice" data-testid="mapped-from">
                {move || i18n.t(Key::MappedFrom).replace("{y}", &year.to_string()).replace("{units}", &list)}
            </p>
        })}
        {unmapped.map(|list| view! {
            <p class="notice" data-testid="unmapped">{move || i18n.t(Key::Unmapped).replace("{units}", &list)}</p>
        })}
        <section class="indicator-cards" data-testid="indicator-cards">{cards}</section>
        {communes.map(|list| view! { <CommuneTable communes=list codes=report.indicators /> })}
    }
}

/// The plan whose targets the figures are measured against, or plainly that there is none.
#[component]
fn PlanLine(plan: Option<PlanHeader>, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    match plan {
        Some(plan) => view! {
            <p class="plan-line" data-testid="plan">
                <strong>{tr(Key::PlanInForce)}": "</strong>{plan.title}<br />
                {tr(Key::PlanIssuedBy)}": "{plan.issuer}" · "{tr(Key::PlanLeadAgency)}": "{plan.lead_agency}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="notice" data-testid="no-plan">
                {move || i18n.t(Key::PlanNone).replace("{y}", &year.to_string())}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn IndicatorCard(
    indicator: IndicatorValue,
    quarters: Vec<(u32, Vec<IndicatorValue>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let IndicatorValue {
        code,
        figure,
        target,
        target_to_confirm,
        suppressed,
    } = indicator;
    let shown = received(&figure, suppressed.as_ref());
    // A figure with a hidden part has its status hidden too (it would tell the part).
    let class = shown.status.map_or("no-data", status_class);
    let name = {
        let code = code.clone();
        move || indicator_name(&code, i18n.lang.get())
    };
    let fraction = {
        let code = code.clone();
        move || {
            let (n, d) = (shown.numerator.to_string(), shown.denominator.to_string());
            fraction_text(&code, &n, &d, i18n.lang.get())
        }
    };
    let trend_code = code.clone();
    // A district's indicator asked of a commune has no value to draw or judge.
    let applies = figure.status != Status::NotApplicable;
    view! {
        <article class=format!("ind-card {class}") data-testid="indicator" data-code=code.clone()>
            <div class="ind-head">
                <span class="ind-code">{code.clone()}</span>
                <span class=format!("status {class}") data-testid="status">
                    <span aria-hidden="true">{shown.status.map_or("–", status_sign)}" "</span>
                    {tr(shown.status.map_or(Key::StatusHidden, status_key))}
                </span>
            </div>
            <h2 class="ind-name">{name}</h2>
            {applies.then(|| view! {
            <p class="ind-value">
                <strong data-testid="value">{move || value_text(&shown, figure.unit, i18n.lang.get())}</strong>
                <span class="ind-fraction" data-testid="fraction">{fraction}</span>
                {hidden_note(&[shown.numerator, shown.denominator])}
            </p>
            <p class="ind-target" data-testid="target">
                {tr(Key::IndicatorTarget)}": "
                {move || target_text(target, figure.unit, i18n.lang.get())}
                {target_to_confirm.then(|| view! {
                    " "<span class="to-confirm" data-testid="target-to-confirm">"("{tr(Key::TargetToConfirm)}")"</span>
                })}
            </p>
            {bar(&figure, target)}
            <div class="ind-trend">
                <span class="muted">{tr(Key::ProgressByQuarter)}</span>
                {move || trend(&trend_code, &quarters, figure.unit, target, i18n.lang.get())}
            </div>
            })}
        </article>
    }
}

/// The table's columns: the indicators that apply to some commune, and the short codes of those
/// that apply to none (the district's own work), which get a line under the table instead.
fn applicable_columns(
    communes: &[CommuneFigures],
    codes: Vec<IndicatorValue>,
) -> (Vec<String>, Vec<String>) {
    let nowhere = |code: &str| {
        communes.iter().all(|commune| {
            commune
                .indicators
                .iter()
                .find(|i| i.code == code)
                .is_some_and(|i| i.figure.status == Status::NotApplicable)
        })
    };
    let (hidden, shown): (Vec<String>, Vec<String>) = codes
        .into_iter()
        .map(|i| i.code)
        .partition(|code| !communes.is_empty() && nowhere(code));
    let hidden = hidden
        .iter()
        .map(|code| short_code(code).to_string())
        .collect();
    (shown, hidden)
}

#[component]
fn CommuneTable(communes: Vec<CommuneFigures>, codes: Vec<IndicatorValue>) -> impl IntoView {
    let i18n = use_i18n();
    let (codes, not_applicable) = applicable_columns(&communes, codes);
    let head = codes
        .iter()
        .map(|code| {
            let title = {
                let code = code.clone();
                move || indicator_name(&code, i18n.lang.get())
            };
            view! { <th scope="col" title=title>{short_code(code).to_string()}</th> }
        })
        .collect_view();
    let rows = communes
        .into_iter()
        .map(|commune| {
            let cells = codes
                .iter()
                .map(|code| {
                    let found = commune.indicators.iter().find(|i| &i.code == code).cloned();
                    match found {
                        Some(IndicatorValue { figure, .. })
                            if figure.status == Status::NotApplicable =>
                        {
                            view! {
                                <td class="cell p-none not-applicable" title=tr(Key::StatusNotApplicable)>
                                    <span aria-hidden="true">"·"</span>
                                    <span class="visually-hidden">{tr(Key::StatusNotApplicable)}</span>
                                </td>
                            }
                            .into_any()
                        }
                        Some(IndicatorValue {
                            figure,
                            target,
                            suppressed,
                            ..
                        }) => {
                            let class = format!("cell {}", progress_class(&figure, target));
                            let shown = received(&figure, suppressed.as_ref());
                            let text = move || {
                                let lang = i18n.lang.get();
                                let value = match shown.value {
                                    ShownValue::Value(v) => match figure.unit {
                                        Unit::Percent => format!("{:.0}%", v),
                                        Unit::Count => number(v, lang),
                                    },
                                    ShownValue::NoData => "–".to_string(),
                                    ShownValue::Hidden => Cell::Hidden.to_string(),
                                };
                                if figure.status == Status::Met {
                                    format!("✓\u{a0}{value}")
                                } else {
                                    value
                                }
                            };
                            let note = hidden_note(&[shown.numerator, shown.denominator]);
                            view! { <td class=class>{text}{note}</td> }.into_any()
                        }
                        None => view! { <td class="cell p-none">"–"</td> }.into_any(),
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="commune-row">
                    <th scope="row" class="sticky">{commune.name}
                        {commune.mapped_from.as_deref().filter(|units| !units.is_empty()).map(|units| {
                            let list = names(units);
                            view! { <span class="mapped" data-testid="row-mapped-from">{move || i18n.t(Key::Including).replace("{units}", &list)}</span> }
                        })}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let legend = [
        ("p-met", Key::LegendMet),
        ("p-near", Key::LegendNear),
        ("p-far", Key::LegendFar),
        ("p-none", Key::LegendNone),
    ]
    .into_iter()
    .map(|(class, key)| {
        view! { <li><span class=format!("swatch {class}") aria-hidden="true"></span>{tr(key)}</li> }
    })
    .collect_view();
    view! {
        <section class="by-commune">
            <h2>{tr(Key::ByCommuneTitle)}</h2>
            <p class="hint">{tr(Key::ByCommuneHint)}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=tr(Key::ByCommuneTitle)>
                <table class="commune-table" data-testid="commune-table">
                    <thead>
                        <tr>
                            <th scope="col" class="sticky">{tr(Key::FieldCommune)}</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <ul class="legend">{legend}</ul>
            {(!not_applicable.is_empty()).then(|| {
                let list = not_applicable.join(", ");
                view! {
                    <p class="hint" data-testid="not-applicable-columns">
                        {move || i18n.t(Key::NotApplicableColumns).replace("{codes}", &list)}
                    </p>
                }
            })}
        </section>
    }
}

/// The quarterly report's files (CSV, XLSX) and its printable page, with the small-count switch
/// for the roles that may have full figures (on by default: a report leaves the district).
#[component]
fn Downloads(period: (i32, u32), suppress: RwSignal<bool>) -> impl IntoView {
    let auth = use_auth();
    let app = use_app_state();
    let (year, quarter) = period;
    let unit = move || {
        auth.officer
            .with(|o| o.as_ref().map(|o| o.org_unit.id.clone()))
            .unwrap_or_default()
    };
    let role = move || auth.officer.with(|o| o.as_ref().map(|o| o.role));
    let may_choose = move || role().is_some_and(Role::reads_full_figures);
    let always_hidden = move || role().is_some_and(|role| !role.reads_full_figures());
    let hide = move || suppress.get() || !may_choose();
    let file = move |ext: &str| {
        format!(
            "/api/v1/reports/quarterly.{ext}?year={year}&quarter={quarter}&org_unit={}&suppress={}",
            unit(),
            hide()
        )
    };
    // Fetched with the officer's own token (the phone keeps no cookie), then saved.
    let i18n = use_i18n();
    let failed = RwSignal::new(None::<ApiFailure>);
    let fetch_file = move |ev: leptos::ev::MouseEvent, path: String| {
        ev.prevent_default();
        failed.set(None);
        spawn_local(async move {
            if let Err(failure) = offline::download(&path).await {
                auth.note(&failure);
                failed.set(Some(failure));
            }
        });
    };
    let print = move || format!("{PRINT}?year={year}&quarter={quarter}&suppress={}", hide());
    view! {
        <section class="card downloads">
            <h2>{tr(Key::ReportDownloads)}</h2>
            <Show when=may_choose>
                <label class="switch">
                    <input type="checkbox" role="switch" name="suppress" data-testid="suppress"
                        prop:checked=move || suppress.get()
                        on:change=move |ev| suppress.set(event_target_checked(&ev)) />
                    <span>{tr(Key::SuppressSmall)}</span>
                </label>
            </Show>
            <Show when=always_hidden>
                <p class="hint" data-testid="suppressed-always">{tr(Key::SuppressedAlways)}</p>
            </Show>
            <a class="button wide" href=move || file("csv") download="" rel="external"
                data-testid="download-csv" on:click=move |ev| fetch_file(ev, file("csv"))>{tr(Key::DownloadCsv)}</a>
            <a class="button wide" href=move || file("xlsx") download="" rel="external"
                data-testid="download-xlsx" on:click=move |ev| fetch_file(ev, file("xlsx"))>{tr(Key::DownloadXlsx)}</a>
            {move || failed.get().map(|failure| view! { <p class="error" role="alert">{failure_text(i18n, &failure)}</p> })}
            <Show when=move || !app.online.get()>
                <p class="hint">{tr(Key::DownloadsNeedSignal)}</p>
            </Show>
            <a class="button wide secondary" href=print data-testid="open-print">{tr(Key::OpenPrint)}</a>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(code: &str, status: Status) -> IndicatorValue {
        IndicatorValue {
            code: code.into(),
            figure: Figure {
                numerator: 0,
                denominator: 0,
                value: None,
                unit: Unit::Percent,
                status,
            },
            target: None,
            target_to_confirm: false,
            suppressed: None,
        }
    }

    fn commune(indicators: Vec<IndicatorValue>) -> CommuneFigures {
        CommuneFigures {
            org_unit_id: "ou-c".into(),
            name: "Xã".into(),
            indicators,
            counts: Vec::new(),
            mapped_from: None,
        }
    }

    #[test]
    fn columns_of_the_districts_own_indicators_leave_the_commune_table() {
        let row = || {
            commune(vec![
                value("PCMD-TT01", Status::Met),
                value("PCMD-TT02", Status::NotApplicable),
            ])
        };
        let codes = vec![
            value("PCMD-TT01", Status::Met),
            value("PCMD-TT02", Status::Met),
        ];
        let (shown, hidden) = applicable_columns(&[row(), row()], codes.clone());
        assert_eq!(shown, vec!["PCMD-TT01".to_string()]);
        assert_eq!(hidden, vec!["TT02".to_string()]);
        // One commune for which it applies keeps the column.
        let other = commune(vec![value("PCMD-TT02", Status::NoData)]);
        let (shown, hidden) = applicable_columns(&[row(), other], codes.clone());
        assert_eq!(shown.len(), 2);
        assert!(hidden.is_empty());
        let (shown, _) = applicable_columns(&[], codes);
        assert_eq!(shown.len(), 2);
    }

    #[test]
    fn not_applicable_has_its_own_words_and_no_progress() {
        assert_eq!(status_key(Status::NotApplicable), Key::StatusNotApplicable);
        assert_eq!(
            Key::StatusNotApplicable.text(Lang::Vi),
            "Không áp dụng cho cấp xã"
        );
        let figure = value("PCMD-TT02", Status::NotApplicable).figure;
        assert_eq!(progress_class(&figure, None), "p-none");
    }
}

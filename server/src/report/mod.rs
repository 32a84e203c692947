//! The quarterly report as a document (title lines and tables), written out as CSV
//! ([`csv_writer`]) or XLSX ([`xlsx_writer`]). The figures are the indicator engine's
//! ([`crate::indicators::report`]), with the small counts already hidden when the report leaves the
//! district (`crate::suppression`, the domain's rule, the same for the JSON and the print page).
//!
//! The figures of a commune's approved quarter are those frozen at approval, and a title line says
//! who approved them and when.
//!
//! Layout, the same in both formats: the title lines, then the tables "Chỉ tiêu" (the unit's
//! twelve indicators), "Theo xã" (each commune × indicator: numerator, denominator, value) and
//! "Số liệu" (the plain counts PCMD-C01..C07, one row per figure of each breakdown, for the unit
//! and each commune).

pub mod csv_writer;
pub mod xlsx_writer;

use crate::indicators::{CountValue, IndicatorValue, Report};
use crate::model::OrgUnit;
use crate::plans::committee_of;
use domain::indicator::{Op, Status, Target, Unit};
use domain::report::{received, Cell, ShownFigure, ShownValue};
use domain::{BusinessType, Coded, Lang, ReferralService};
use std::collections::HashMap;

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Text(String),
    /// A count.
    Int(i64),
    /// A percentage, `69.2` for 69.2 %, shown with one decimal.
    Percent(f64),
    /// A count or value hidden by the small-count rule: `<5` or `x`.
    Hidden(String),
    Empty,
}

/// One table: a sheet of the XLSX file, a section of the CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The sheet's name, also the section's first line in CSV.
    pub name: String,
    pub header: Vec<String>,
    /// Column widths in characters, for the XLSX file.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Field>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Issuing body, title, period, plan, unit, date, and what the figures may be used for.
    pub title: Vec<String>,
    pub tables: Vec<Table>,
}

/// What a report is about, besides the figures.
pub struct ReportInfo<'a> {
    pub unit: &'a OrgUnit,
    /// Every org unit, to find the communes' codes.
    pub units: &'a [OrgUnit],
    /// Each indicator's label (Vietnamese, English) by code.
    pub labels: &'a HashMap<String, (String, String)>,
    pub lang: Lang,
    /// The day the report is made, `YYYY-MM-DD`.
    pub today: &'a str,
    /// For a commune's approved quarter, whose figures these are: the approver (display name)
    /// and the day of approval in the district, `YYYY-MM-DD`.
    pub approved: Option<(&'a str, &'a str)>,
}

/// Vietnamese or English; every visible string of the report goes through here.
fn tr(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The report of `report` (made with the commune breakdown) as title lines and tables.
pub fn document(report: &Report, info: &ReportInfo) -> Document {
    Document {
        title: title(report, info),
        tables: vec![
            indicator_table(report, info),
            commune_table(report, info),
            count_table(report, info),
        ],
    }
}

/// The file name, without extension: `bao-cao-pcmd-106-2023-Q2`.
pub fn file_stem(report: &Report, unit: &OrgUnit) -> String {
    let code: String = unit
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match report.quarter {
        Some(quarter) => format!("bao-cao-pcmd-{code}-{}-Q{quarter}", report.year),
        None => format!("bao-cao-pcmd-{code}-{}", report.year),
    }
}

/// The issuer, the heading, the period, the plan, the unit, the date and the use of the figures.
/// The issuer is the plan's when the plan is the unit's own; a unit carrying out a plan of a unit
/// above it reports as its own people's committee.
fn title(report: &Report, info: &ReportInfo) -> Vec<String> {
    let lang = info.lang;
    let unit = info.unit;
    let plan = report.plan.as_ref();
    let issuer = match (plan, lang) {
        (Some(plan), _) if plan.org_unit_id == unit.id => plan.issuer.clone(),
        (_, Lang::Vi) => committee_of(unit),
        (_, Lang::En) => format!("People's Committee of {}", unit.name),
    };
    let heading = match (plan, lang) {
        // "Kế hoạch phòng, chống mại dâm năm 2023" → "Báo cáo kết quả thực hiện Kế hoạch …".
        (Some(plan), Lang::Vi) => format!("Báo cáo kết quả thực hiện {}", plan.title),
        (Some(plan), Lang::En) => format!("Report on the implementation of \"{}\"", plan.title),
        (None, Lang::Vi) => format!(
            "Báo cáo kết quả công tác phòng, chống mại dâm năm {}",
            report.year
        ),
        (None, Lang::En) => format!("Report on the prevention of prostitution, {}", report.year),
    };
    let period = match (lang, report.quarter) {
        (Lang::Vi, Some(q)) => format!("Quý {q} năm {} (lũy kế từ đầu năm)", report.year),
        (Lang::Vi, None) => format!("Cả năm {}", report.year),
        (Lang::En, Some(q)) => format!("Quarter {q} of {} (year to date)", report.year),
        (Lang::En, None) => format!("The whole year {}", report.year),
    };
    let plan_line = match (plan, lang) {
        (Some(plan), Lang::Vi) => format!("Kế hoạch: {} ({})", plan.title, plan.issuer),
        (Some(plan), Lang::En) => format!("Plan: {} ({})", plan.title, plan.issuer),
        (None, Lang::Vi) => format!(
            "Không có kế hoạch năm {} áp dụng cho đơn vị: các chỉ tiêu chưa có mục tiêu.",
            report.year
        ),
        (None, Lang::En) => format!(
            "No plan for {} applies to this unit: the indicators have no targets.",
            report.year
        ),
    };
    let unit_line = format!(
        "{}: {} ({})",
        tr(lang, "Đơn vị", "Unit"),
        unit.name,
        unit.code
    );
    let parts: Vec<&str> = info.today.split('-').collect();
    let date = match (lang, parts.as_slice()) {
        (Lang::Vi, [y, m, d]) => format!("Ngày lập: {d}/{m}/{y}"),
        _ => format!("{}: {}", tr(lang, "Ngày lập", "Prepared on"), info.today),
    };
    let approved = info.approved.map(|(by, on)| {
        let parts: Vec<&str> = on.split('-').collect();
        match (lang, parts.as_slice()) {
            (Lang::Vi, [y, m, d]) => format!("Đã duyệt bởi {by} ngày {d}/{m}/{y}"),
            (Lang::Vi, _) => format!("Đã duyệt bởi {by} ngày {on}"),
            (Lang::En, _) => format!("Approved by {by} on {on}"),
        }
    });
    let use_line = if report.suppressed {
        tr(
            lang,
            "Số liệu cấp xã từ 1 đến 4 ghi \"<5\"; \"x\": ô ẩn thêm để không suy ra được ô \"<5\" từ số tổng.",
            "Commune-level counts of 1 to 4 show as \"<5\"; \"x\": also hidden so that a \"<5\" cannot be worked out from a total.",
        )
    } else {
        tr(
            lang,
            "Số liệu đầy đủ, chỉ sử dụng trong huyện; không gửi ra ngoài huyện.",
            "Full figures, for use within the district only; not to be sent outside it.",
        )
    };
    let mut lines = vec![issuer, heading, period, plan_line];
    if report.indicators.iter().any(|i| i.target_to_confirm) {
        lines.push(
            tr(
                lang,
                "Mục tiêu ghi \"chờ xác nhận\": sao chép từ kế hoạch khác, chưa được xác nhận.",
                "Targets marked \"to confirm\": copied from another plan, not yet confirmed.",
            )
            .to_string(),
        );
    }
    lines.push(unit_line);
    lines.extend(approved);
    lines.extend([date, use_line.to_string()]);
    lines
}

fn label(info: &ReportInfo, code: &str) -> String {
    info.labels
        .get(code)
        .map(|(vi, en)| match info.lang {
            Lang::Vi => vi.clone(),
            Lang::En => en.clone(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// A figure as the report shows it: with the parts the rule hid.
fn shown(indicator: &IndicatorValue) -> ShownFigure {
    received(&indicator.figure, indicator.suppressed.as_ref())
}

/// The unit's twelve indicators.
fn indicator_table(report: &Report, info: &ReportInfo) -> Table {
    let lang = info.lang;
    let rows = report
        .indicators
        .iter()
        .map(|indicator| {
            let shown = shown(indicator);
            vec![
                Field::Text(indicator.code.to_string()),
                Field::Text(label(info, &indicator.code)),
                cell(shown.numerator),
                cell(shown.denominator),
                value(indicator, &shown),
                Field::Text(unit_text(indicator.figure.unit, lang).to_string()),
                indicator
                    .target
                    .map(|target| {
                        let text = target_text(target, indicator.figure.unit);
                        Field::Text(if indicator.target_to_confirm {
                            format!("{text} ({})", tr(lang, "chờ xác nhận", "to confirm"))
                        } else {
                            text
                        })
                    })
                    .unwrap_or(Field::Empty),
                match shown.status {
                    Some(status) => Field::Text(status_text(status, lang).to_string()),
                    None => Field::Hidden(Cell::Hidden.to_string()),
                },
            ]
        })
        .collect();
    Table {
        name: tr(lang, "Chỉ tiêu", "Indicators").to_string(),
        header: [
            tr(lang, "Mã", "Code"),
            tr(lang, "Chỉ tiêu", "Indicator"),
            tr(lang, "Tử số", "Numerator"),
            tr(lang, "Mẫu số", "Denominator"),
            tr(lang, "Kết quả", "Value"),
            tr(lang, "Đơn vị tính", "Unit"),
            tr(lang, "Mục tiêu", "Target"),
            tr(lang, "Đánh giá", "Status"),
        ]
        .map(String::from)
        .to_vec(),
        widths: vec![12.0, 70.0, 10.0, 10.0, 10.0, 12.0, 10.0, 18.0],
        rows,
    }
}

/// One row per commune: its code and name, then numerator, denominator and value of each
/// indicator in report order.
fn commune_table(report: &Report, info: &ReportInfo) -> Table {
    let lang = info.lang;
    let communes = report.communes.as_deref().unwrap_or_default();
    let codes: Vec<&str> = report.indicators.iter().map(|i| i.code.as_str()).collect();
    let rows = communes
        .iter()
        .map(|commune| {
            let code = info
                .units
                .iter()
                .find(|unit| unit.id == commune.org_unit_id)
                .map(|unit| unit.code.clone())
                .unwrap_or_default();
            let mut fields = vec![Field::Text(code), Field::Text(commune.name.clone())];
            for indicator in &commune.indicators {
                let shown = shown(indicator);
                fields.push(cell(shown.numerator));
                fields.push(cell(shown.denominator));
                fields.push(value(indicator, &shown));
            }
            fields
        })
        .collect();
    let mut header = vec![
        tr(lang, "Mã xã", "Commune code").to_string(),
        tr(lang, "Xã, thị trấn", "Commune").to_string(),
    ];
    for code in &codes {
        header.push(format!("{code} {}", tr(lang, "tử số", "numerator")));
        header.push(format!("{code} {}", tr(lang, "mẫu số", "denominator")));
        header.push(format!("{code} {}", tr(lang, "kết quả", "value")));
    }
    let mut widths = vec![9.0, 22.0];
    widths.extend(std::iter::repeat_n(12.0, 3 * codes.len()));
    Table {
        name: tr(lang, "Theo xã", "By commune").to_string(),
        header,
        widths,
        rows,
    }
}

/// One row per figure of each plain count: its code and names, the unit's value, then each
/// commune's.
fn count_table(report: &Report, info: &ReportInfo) -> Table {
    let lang = info.lang;
    let communes = report.communes.as_deref().unwrap_or_default();
    let mut rows = Vec::new();
    for (c, count) in report.counts.iter().enumerate() {
        for (k, figure) in count.breakdown.iter().enumerate() {
            let mut row = vec![
                Field::Text(count.code.to_string()),
                Field::Text(label(info, &count.code)),
                Field::Text(key_label(&figure.key, lang)),
            ];
            row.push(cell(count_cell(figure)));
            row.extend(
                communes
                    .iter()
                    .map(|commune| cell(count_cell(&commune.counts[c].breakdown[k]))),
            );
            rows.push(row);
        }
    }
    let mut header = [
        tr(lang, "Mã", "Code"),
        tr(lang, "Số liệu", "Count"),
        tr(lang, "Phân loại", "Breakdown"),
    ]
    .map(String::from)
    .to_vec();
    header.push(info.unit.name.clone());
    header.extend(communes.iter().map(|commune| commune.name.clone()));
    let mut widths = vec![10.0, 50.0, 36.0, 14.0];
    widths.extend(std::iter::repeat_n(14.0, communes.len()));
    Table {
        name: tr(lang, "Số liệu", "Counts").to_string(),
        header,
        widths,
        rows,
    }
}

/// A breakdown key: a business type or referral service by its label, else one of the words of
/// `crate::indicators` (its module comment says what each counts).
fn key_label(key: &str, lang: Lang) -> String {
    if let Some(kind) = BusinessType::parse(key) {
        return kind.label(lang).to_string();
    }
    if let Some(service) = ReferralService::parse(key) {
        return service.label(lang).to_string();
    }
    let text = match key {
        "workers" => tr(lang, "Người lao động", "Workers"),
        "female_workers" => tr(lang, "Trong đó: nữ", "Of whom women"),
        "clients" => tr(
            lang,
            "Người có hồ sơ hỗ trợ (mã ẩn danh)",
            "People on file (pseudonymous codes)",
        ),
        "inspections" => tr(lang, "Lượt kiểm tra", "Inspections"),
        "violating_businesses" => tr(lang, "Cơ sở vi phạm", "Businesses in violation"),
        "sanctioned_inspections" => tr(
            lang,
            "Lượt kiểm tra có xử phạt",
            "Inspections with a sanction",
        ),
        "fines_vnd" => tr(lang, "Tiền phạt (đồng)", "Fines (VND)"),
        "received" => tr(lang, "Tin tiếp nhận", "Received"),
        "handled" => tr(lang, "Đã xử lý", "Handled"),
        "handled_in_time" => tr(lang, "Xử lý đúng hạn", "Handled in time"),
        "sessions" => tr(lang, "Số cuộc tuyên truyền", "Sessions"),
        "participants_male" => tr(lang, "Lượt người tham gia: nam", "Participants: men"),
        "participants_female" => tr(lang, "Lượt người tham gia: nữ", "Participants: women"),
        other => other,
    };
    text.to_string()
}

/// A figure of a plain count as the report shows it.
fn count_cell(figure: &CountValue) -> Cell {
    figure.suppressed.unwrap_or(Cell::Number(figure.value))
}

fn cell(cell: Cell) -> Field {
    match cell.number() {
        Some(n) => Field::Int(n),
        None => Field::Hidden(cell.to_string()),
    }
}

/// A percentage with one decimal, a count as a whole number, nothing without data, `x` hidden.
fn value(indicator: &IndicatorValue, shown: &ShownFigure) -> Field {
    match (shown.value, indicator.figure.unit) {
        (ShownValue::Value(v), Unit::Percent) => Field::Percent(v),
        (ShownValue::Value(v), Unit::Count) => Field::Int(v.round() as i64),
        (ShownValue::NoData, _) => Field::Empty,
        (ShownValue::Hidden, _) => Field::Hidden(Cell::Hidden.to_string()),
    }
}

fn unit_text(unit: Unit, lang: Lang) -> &'static str {
    match unit {
        Unit::Percent => "%",
        Unit::Count => tr(lang, "số lượng", "count"),
    }
}

/// `≥ 70%`, `≥ 1`.
fn target_text(target: Target, unit: Unit) -> String {
    let op = match target.op {
        Op::AtLeast => "≥",
        Op::AtMost => "≤",
        Op::Exactly => "=",
    };
    let percent = if unit == Unit::Percent { "%" } else { "" };
    format!("{op} {}{percent}", target.value)
}

pub fn status_text(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Met => tr(lang, "Đạt", "Met"),
        Status::NotMet => tr(lang, "Chưa đạt", "Not met"),
        Status::NoData => tr(lang, "Chưa có số liệu", "No data"),
        Status::NoTarget => tr(lang, "Chưa có mục tiêu", "No target"),
        Status::NotApplicable => tr(
            lang,
            "Không áp dụng cho cấp xã",
            "Not applicable to a commune",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_as_in_the_plan() {
        let target = |op, value| Target { op, value };
        assert_eq!(
            target_text(target(Op::AtLeast, 70.0), Unit::Percent),
            "≥ 70%"
        );
        assert_eq!(target_text(target(Op::AtLeast, 1.0), Unit::Count), "≥ 1");
        assert_eq!(
            target_text(target(Op::Exactly, 62.5), Unit::Percent),
            "= 62.5%"
        );
    }
}

//! The printable quarterly report at `/indicators/print?year=&quarter=&suppress=`, laid out as a
//! Vietnamese administrative report: issuing body and national motto, number, place and date,
//! title and period, the indicators, each commune's figures, the plain counts, and the recipients
//! and signature. Small counts are hidden (`suppress`, on unless `false`: a report leaves the
//! district) by the server, with the domain's rule (`domain::report`), the same as in the CSV and
//! XLSX files; the page shows the marks it is given.

use domain::indicator::{Status, Unit};
use domain::report::{received, Cell, ShownFigure};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::counts::{code_label, key_label};
use super::dashboard::{
    fraction_text, indicator_name, load_period, period_from_query, sees_communes, short_code,
    status_key, target_text, value_text, ApprovalLine, Shown, Snapshot,
};
use super::routes::INDICATORS;
use crate::api::{IndicatorValue, Officer};
use crate::auth::use_auth;
use crate::i18n::{failure_text, tr, use_i18n, Key, Lang};
use crate::offline::clock;
use crate::state::use_app_state;

/// A figure's parts as the report prints them.
struct Printed {
    numerator: String,
    denominator: String,
    value: String,
    status: Option<Status>,
}

fn printed(shown: &ShownFigure, unit: Unit, lang: Lang) -> Printed {
    Printed {
        numerator: shown.numerator.to_string(),
        denominator: shown.denominator.to_string(),
        value: value_text(shown, unit, lang),
        status: shown.status,
    }
}

/// `Tam Đường` for `Huyện Tam Đường`: the place name of a unit, for the date line.
fn place_name(unit: &str) -> &str {
    [
        "Tỉnh ",
        "Huyện ",
        "Thị trấn ",
        "Thị xã ",
        "Thành phố ",
        "Xã ",
        "Phường ",
    ]
    .iter()
    .find_map(|prefix| unit.strip_prefix(prefix))
    .unwrap_or(unit)
}

/// `Ủy ban nhân dân huyện Tam Đường` for the plan's issuer `UBND huyện Tam Đường`, as the heading
/// of a report writes it.
fn committee_name(issuer: &str) -> String {
    match issuer.strip_prefix("UBND ") {
        Some(rest) => format!("Ủy ban nhân dân {rest}"),
        None => issuer.to_string(),
    }
}

/// The agency's short form in a document number: `SYT` for Sở Y tế tỉnh Lai Châu, `LĐTBXH` for
/// Phòng Lao động - Thương binh và Xã hội huyện Tam Đường (offices drop the word "Phòng").
fn agency_abbreviation(agency: &str) -> String {
    let name = agency.strip_prefix("Phòng ").unwrap_or(agency);
    name.split_whitespace()
        .take_while(|word| !matches!(*word, "tỉnh" | "huyện" | "thành" | "xã" | "phường"))
        .filter(|word| *word != "và" && *word != "-" && *word != "–")
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
pub fn ReportPrintPage() -> impl IntoView {
    let auth = use_auth();
    let app = use_app_state();
    let i18n = use_i18n();
    let query = use_query_map();
    let period = RwSignal::new(None::<(i32, u32)>);
    let suppress = RwSignal::new(true);
    let shown = RwSignal::new(Shown::Loading);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let (year, quarter, hide) =
            query.with(|q| (q.get("year"), q.get("quarter"), q.get("suppress")));
        suppress.set(hide.as_deref() != Some("false"));
        period.set(Some(period_from_query(year, quarter)));
    });
    let officer = Memo::new(move |_| auth.officer.get());
    Effect::new(move |_| {
        let (Some(period), Some(officer)) = (period.get(), officer.get()) else {
            return;
        };
        load_period(
            officer,
            period,
            None,
            Some(suppress.get()),
            app.online.get(),
            false,
            shown,
            generation,
        );
    });
    let back = move || match period.get() {
        Some((year, quarter)) => format!("{INDICATORS}?year={year}&quarter={quarter}"),
        None => INDICATORS.into(),
    };
    view! {
        <div class="report-actions no-print">
            <button
                class="button"
                type="button"
                on:click=|_| crate::offline::print_page()
                data-testid="print"
            >
                {tr(Key::PrintReport)}
            </button>
            <A href=back attr:class="button secondary">{tr(Key::BackToDashboard)}</A>
        </div>
        {move || {
            let officer = officer.get();
            match (shown.get(), officer, period.get()) {
                (Shown::Failed(failure), _, _) => view! {
                    <p class="error no-print" role="alert">{failure_text(i18n, &failure)}</p>
                }.into_any(),
                (Shown::Nothing, _, _) => view! {
                    <p class="notice no-print">{tr(Key::RptNoFigures)}</p>
                }.into_any(),
                (Shown::Fresh(snapshot), Some(officer), Some(period)) => view! {
                    <Report snapshot officer period />
                }.into_any(),
                (Shown::Kept(at, snapshot), Some(officer), Some(period)) => view! {
                    <p class="notice no-print" role="status" data-testid="figures-as-of">
                        {move || format!("{} {}", i18n.t(Key::FiguresAsOf), clock::vietnam_time(at))}
                    </p>
                    <Report snapshot officer period />
                }.into_any(),
                _ => view! { <p class="muted no-print">{tr(Key::Loading)}</p> }.into_any(),
            }
        }}
    }
}

#[component]
fn Report(snapshot: Snapshot, officer: Officer, period: (i32, u32)) -> impl IntoView {
    let i18n = use_i18n();
    let district = sees_communes(&officer);
    let unit_name = officer.org_unit.name.clone();
    let (year, quarter) = period;
    let today = clock::today();
    let plan = snapshot.report.plan.clone();
    let lead_agency = plan.as_ref().map(|plan| plan.lead_agency.clone());
    let issuer = {
        let (unit_name, plan) = (unit_name.clone(), plan.clone());
        move || {
            if !district {
                return view! {
                    <p class="strong">{tr(Key::RptCommitteeShort)}</p>
                    <p class="strong underline">{unit_name.to_uppercase()}</p>
                }
                .into_any();
            }
            let committee = match &plan {
                Some(plan) => committee_name(&plan.issuer).to_uppercase(),
                None => i18n
                    .t(Key::RptCommittee)
                    .replace("{unit}", &unit_name.to_uppercase()),
            };
            let agency = plan.as_ref().map(|plan| plan.lead_agency.to_uppercase());
            view! {
                <p>{committee}</p>
                {agency.map(|agency| view! { <p class="strong underline">{agency}</p> })}
            }
            .into_any()
        }
    };
    let place_date = move || {
        let (d, m) = (
            format!("{:02}", today.day()),
            format!("{:02}", today.month()),
        );
        i18n.t(Key::RptPlaceDate)
            .replace("{place}", place_name(&unit_name))
            .replace("{d}", &d)
            .replace("{m}", &m)
            .replace("{y}", &today.year().to_string())
    };
    let period_text = move || {
        i18n.t(Key::RptPeriod)
            .replace("{q}", &quarter.to_string())
            .replace("{y}", &year.to_string())
    };
    let agency = match (&lead_agency, district) {
        (Some(agency), true) => agency_abbreviation(agency),
        _ => "UBND".to_string(),
    };
    let number = move || i18n.t(Key::RptNumber).replace("{agency}", &agency);
    // A commune reports to the plan's standing agency; the lead unit to the plan's recipients.
    let recipients = {
        let mut lines: Vec<String> = match (&plan, district) {
            (Some(plan), true) => plan.recipients.clone(),
            (Some(plan), false) => vec![plan.lead_agency.clone()],
            (None, _) => Vec::new(),
        };
        lines.retain(|line| !line.trim_start().starts_with("Lưu"));
        move || {
            lines
                .iter()
                .map(|line| view! { <li>{format!("- {line};")}</li> })
                .chain(std::iter::once(
                    view! { <li>{format!("- {}", i18n.t(Key::RptArchive))}</li> },
                ))
                .collect_view()
        }
    };
    let signer = match (&lead_agency, district) {
        (_, false) => Key::RptSignerCommune,
        (Some(agency), true) if agency.starts_with("Sở ") => Key::RptSignerDirector,
        (Some(agency), true) if agency.starts_with("Phòng ") => Key::RptSignerDistrict,
        _ => Key::RptSignerHead,
    };
    let Snapshot {
        report, approval, ..
    } = snapshot;
    let suppress = report.suppressed;
    let communes = report
        .communes
        .clone()
        .filter(|list| district && !list.is_empty());
    let counts = report.counts.clone();
    // Each part is erased to `AnyView`: one nested type for the whole page is too deep to compile.
    let head = view! {
        <header class="report-head">
            <div class="issuer">
                {issuer}
                <p class="doc-number">{number}</p>
            </div>
            <div class="nation">
                <p class="strong">{tr(Key::RptNation)}</p>
                <p class="strong underline">{tr(Key::RptMotto)}</p>
                <p class="place-date" data-testid="place-date">{place_date}</p>
            </div>
        </header>
        <h1 class="report-title" data-testid="report-title">{tr(Key::RptTitle)}</h1>
        <p class="report-subtitle">{tr(Key::RptSubtitle)}</p>
        <p class="report-period" data-testid="report-period">{period_text}</p>
        <ApprovalLine approval />
        <p class="report-note">{tr(Key::RptYearToDate)}</p>
    }
    .into_any();
    let tables = view! {
        <h2>{tr(Key::RptSection1)}</h2>
        <IndicatorTable indicators=report.indicators.clone() />
        {communes.map(|list| view! {
            <h2>{tr(Key::RptSection2)}</h2>
            <CommuneFigureTable communes=list whole=report.indicators.clone() />
        })}
        <h2>{tr(Key::RptSection3)}</h2>
        <CountTable counts />
        {suppress.then(|| view! { <p class="report-note" data-testid="suppressed-note">{tr(Key::RptSuppressedNote)}</p> })}
    }
    .into_any();
    let sign = view! {
        <footer class="report-sign">
            <div class="recipients">
                <p class="strong italic">{tr(Key::RptRecipients)}</p>
                <ul>{recipients}</ul>
            </div>
            <div class="signer">
                {(!district).then(|| view! { <p class="strong">{tr(Key::RptSignerCommuneFor)}</p> })}
                <p class="strong">{tr(signer)}</p>
                <div class="sign-space"></div>
            </div>
        </footer>
    }
    .into_any();
    view! {
        <article class="report" data-testid="report">
            {head}
            {tables}
            {sign}
        </article>
    }
}

#[component]
fn IndicatorTable(indicators: Vec<IndicatorValue>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = indicators
        .into_iter()
        .enumerate()
        .map(|(i, indicator)| {
            let IndicatorValue {
                code,
                figure,
                target,
                suppressed,
                ..
            } = indicator;
            move || {
                let lang = i18n.lang.get();
                let shown = printed(&received(&figure, suppressed.as_ref()), figure.unit, lang);
                let status = shown.status.map_or_else(
                    || Cell::Hidden.to_string(),
                    |s| i18n.t(status_key(s)).into(),
                );
                // A district indicator in a commune's report: no "0/0" beside "not applicable".
                let applies = figure.status != Status::NotApplicable;
                let result = applies
                    .then(|| fraction_text(&code, &shown.numerator, &shown.denominator, lang));
                let value = applies.then_some(shown.value);
                view! {
                    <tr data-code=code.clone()>
                        <td class="num">{i + 1}</td>
                        <td>{indicator_name(&code, lang)}<br /><small>{code.clone()}</small></td>
                        <td class="num">{result.unwrap_or_else(|| "—".into())}</td>
                        <td class="num">{value.unwrap_or_else(|| "—".into())}</td>
                        <td class="num">{target_text(target, figure.unit, lang)}</td>
                        <td>{status}</td>
                    </tr>
                }
            }
        })
        .collect_view();
    view! {
        <div class="report-scroll" tabindex="0" role="region" aria-label=tr(Key::RptSection1)>
        <table class="report-table" data-testid="report-indicators">
            <thead>
                <tr>
                    <th>{tr(Key::RptColNo)}</th>
                    <th>{tr(Key::RptColIndicator)}</th>
                    <th>{tr(Key::RptColResult)}</th>
                    <th>{tr(Key::RptColValue)}</th>
                    <th>{tr(Key::IndicatorTarget)}</th>
                    <th>{tr(Key::RptColAssessment)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

/// Rows communes, columns indicators; each cell the commune's numerator/denominator over its
/// value, as the server gives them (hidden where the rule hides them); the unit's own row last.
#[component]
fn CommuneFigureTable(
    communes: Vec<crate::api::CommuneFigures>,
    whole: Vec<IndicatorValue>,
) -> impl IntoView {
    let i18n = use_i18n();
    let codes: Vec<String> = whole.iter().map(|i| i.code.clone()).collect();
    let shown = |i: &IndicatorValue| (received(&i.figure, i.suppressed.as_ref()), i.figure.unit);
    let columns: Vec<Vec<Option<(ShownFigure, Unit)>>> = codes
        .iter()
        .map(|code| {
            communes
                .iter()
                .map(|c| c.indicators.iter().find(|i| &i.code == code).map(shown))
                .collect()
        })
        .collect();
    // A district's indicator in a commune's row does not apply: a dash, as for no figure.
    let cell = move |shown: Option<(ShownFigure, Unit)>| {
        let shown = shown.filter(|(shown, _)| shown.status != Some(Status::NotApplicable));
        move || match shown {
            Some((shown, unit)) => {
                let p = printed(&shown, unit, i18n.lang.get());
                let parts = format!("{}/{}", p.numerator, p.denominator);
                view! { <td class="num">{parts}<br />{p.value}</td> }.into_any()
            }
            None => view! { <td class="num">"—"</td> }.into_any(),
        }
    };
    let rows = communes
        .iter()
        .enumerate()
        .map(|(row, commune)| {
            let cells = columns.iter().map(|column| cell(column[row])).collect_view();
            view! { <tr data-testid="report-commune-row"><th scope="row">{commune.name.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let total = whole.iter().map(|i| cell(Some(shown(i)))).collect_view();
    let head = codes
        .iter()
        .map(|code| view! { <th scope="col">{short_code(code).to_string()}</th> })
        .collect_view();
    view! {
        <p class="report-note">{tr(Key::RptCommuneNote)}</p>
        <div class="report-scroll" tabindex="0" role="region" aria-label=tr(Key::RptSection2)>
        <table class="report-table communes" data-testid="report-communes">
            <thead>
                <tr><th scope="col">{tr(Key::FieldCommune)}</th>{head}</tr>
            </thead>
            <tbody>
                {rows}
                <tr class="total"><th scope="row">{tr(Key::RptWholeUnit)}</th>{total}</tr>
            </tbody>
        </table>
        </div>
    }
}

#[component]
fn CountTable(counts: Vec<crate::api::PlainCount>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let lang = i18n.lang.get();
        counts
            .iter()
            .flat_map(|count| {
                let span = count.breakdown.len().to_string();
                let name = format!("{} ({})", code_label(&count.code, lang), count.code);
                count.breakdown.iter().enumerate().map(move |(k, part)| {
                    let value = part
                        .suppressed
                        .unwrap_or(Cell::Number(part.value))
                        .to_string();
                    let first =
                        (k == 0).then(|| view! { <td rowspan=span.clone()>{name.clone()}</td> });
                    view! {
                        <tr data-key=part.key.clone()>
                            {first}
                            <td>{key_label(&part.key, lang)}</td>
                            <td class="num">{value}</td>
                        </tr>
                    }
                })
            })
            .collect_view()
    };
    view! {
        <div class="report-scroll" tabindex="0" role="region" aria-label=tr(Key::RptSection3)>
        <table class="report-table counts" data-testid="report-counts">
            <thead>
                <tr>
                    <th>{tr(Key::RptColIndicator)}</th>
                    <th>{tr(Key::RptColFigure)}</th>
                    <th>{tr(Key::RptWholeUnit)}</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heading_comes_from_the_plan() {
        assert_eq!(
            committee_name("UBND huyện Tam Đường").to_uppercase(),
            "ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG"
        );
        assert_eq!(agency_abbreviation("Sở Y tế tỉnh Lai Châu"), "SYT");
        assert_eq!(
            agency_abbreviation("Phòng Lao động - Thương binh và Xã hội huyện Tam Đường"),
            "LĐTBXH"
        );
    }
}

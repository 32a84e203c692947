//! The small-count rule of reports that leave the district (`DOMAIN.md`, "Privacy": "small counts
//! (under 5 at commune level) suppressed"). The quarterly report files (CSV, XLSX) and the
//! dashboard's print page call these same functions, so every copy of a report hides the same
//! cells.
//!
//! The rule, decided here:
//! - A commune-level count from 1 to 4 shows as `<5` ([`Cell::Small`]). Zero stays 0: it names
//!   nobody, and hiding it would make every other `<5` easier to guess.
//! - It applies to the indicators that count people or businesses ([`counts_people`]); the
//!   indicators that count communes (did the commune hold a session, adopt a plan, start a pilot),
//!   public media posts and public agencies say nothing about a person and stay as they are. Of
//!   the plain counts it applies to every figure but amounts of money and numbers of sessions
//!   ([`breakdown_counts_people`]).
//! - A ratio with its numerator or denominator hidden also hides its percentage and its status
//!   (either would give the hidden part back from the other one).
//! - The district's own figures sit beside the communes' in the same report, so a single hidden
//!   commune cell could be recovered as "district total minus the other communes". Where a column
//!   of commune cells has exactly one `<5`, the smallest other non-zero cell is hidden too, shown
//!   as `x` ([`Cell::Hidden`]: "hidden so that a small count cannot be worked out"). Two unknowns
//!   with a known sum no longer give either one exactly. Where no partner exists (the only other
//!   cells are 0), the total itself is hidden ([`shown_total`]): it would equal the small cell.
//!   This also hides a commune's own small counts in its own report (its only commune is itself).
//!
//! Use: for an indicator, [`shown_figures`] over the communes' figures, then
//! [`shown_total_figure`] for the unit's own figure beside them; for one figure of a plain count,
//! [`shown_column`] over the communes' values, then [`shown_total`] for the unit's value.
//!
//! Known limits, accepted: a reader who knows that a hidden `x` cell is at least 5 can still bound
//! the `<5` cell beside it; a numerator close to its denominator (48 of 50) tells that few people
//! were left out; a commune's fines stay visible beside its hidden number of sanctioned
//! businesses; the same people may appear in several indicators. Reports inside the district
//! (`suppress` false) show every figure.

use crate::indicator::{Figure, Status};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Counts below this, and above zero, are small.
pub const SMALL_COUNT: i64 = 5;

/// What one count cell of a report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Number(i64),
    /// A count from 1 to 4: `<5`.
    Small,
    /// Hidden only so that a `<5` in the same line cannot be worked out from a total, or a total
    /// of 5 or more that would give one back: `x`.
    Hidden,
}

impl Cell {
    /// The number when it may be shown.
    pub fn number(self) -> Option<i64> {
        match self {
            Cell::Number(n) => Some(n),
            Cell::Small | Cell::Hidden => None,
        }
    }

    pub fn is_shown(self) -> bool {
        self.number().is_some()
    }
}

/// `12`, `<5` or `x`, the same in every language.
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Number(n) => write!(f, "{n}"),
            Cell::Small => write!(f, "<{SMALL_COUNT}"),
            Cell::Hidden => f.write_str("x"),
        }
    }
}

/// One commune-level count on its own: `<5` for 1 to 4 when `suppress`, else the number.
pub fn shown_count(n: i64, suppress: bool) -> Cell {
    if suppress && (1..SMALL_COUNT).contains(&n) {
        Cell::Small
    } else {
        Cell::Number(n)
    }
}

/// One count for each commune of a report, in a column whose total the report also shows: each
/// as [`shown_count`], and where exactly one cell is `<5`, the smallest other non-zero cell
/// (the first of equals) hidden as `x`.
pub fn shown_column(counts: &[i64], suppress: bool) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts.iter().map(|&n| shown_count(n, suppress)).collect();
    if cells.iter().filter(|cell| **cell == Cell::Small).count() == 1 {
        let partner = cells
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| Some((i, cell.number()?)))
            .filter(|&(_, n)| n > 0)
            .min_by_key(|&(i, n)| (n, i));
        if let Some((i, _)) = partner {
            cells[i] = Cell::Hidden;
        }
    }
    cells
}

/// The total shown beside a line of commune cells already passed through [`shown_column`]: where
/// exactly one of them is hidden (a lone `<5` without a partner), the total would give it back,
/// so it is hidden too (`<5` from 1 to 4, else `x`); otherwise it shows. A total is not commune
/// level, so nothing else hides it.
pub fn shown_total(total: i64, line: &[Cell]) -> Cell {
    if line.iter().filter(|cell| !cell.is_shown()).count() != 1 {
        Cell::Number(total)
    } else if (1..SMALL_COUNT).contains(&total) {
        Cell::Small
    } else {
        Cell::Hidden
    }
}

/// Whether the small-count rule applies to an indicator: those counting people (workers,
/// students, clients, officials), tip-offs or businesses. The indicators counting communes
/// (PCMD-TT01, PCMD-KH01, PCMD-MH01), media posts (PCMD-TT02) and agencies (PCMD-KH02) do not.
pub fn counts_people(code: &str) -> bool {
    !matches!(
        code,
        "PCMD-TT01" | "PCMD-TT02" | "PCMD-KH01" | "PCMD-KH02" | "PCMD-MH01"
    )
}

/// Whether the rule applies to one figure of a plain count (PCMD-C01..C07), by the `key` of its
/// breakdown: all count people, businesses or cases, except an amount of money (`fines_vnd`) and
/// the number of outreach sessions (`sessions`: events, which name nobody).
pub fn breakdown_counts_people(key: &str) -> bool {
    !matches!(key, "fines_vnd" | "sessions")
}

/// An indicator's value as a report may show it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "shown", content = "value")]
pub enum ShownValue {
    Value(f64),
    /// A zero denominator: nothing to compute.
    NoData,
    /// Numerator or denominator hidden, so the value is too.
    Hidden,
}

/// A commune-level figure as a report shows it. `status` is `None` when hidden with the value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownFigure {
    pub numerator: Cell,
    pub denominator: Cell,
    pub value: ShownValue,
    pub status: Option<Status>,
}

/// One indicator (`code`) for every commune of a report, in the report's order: numerators and
/// denominators each as a [`shown_column`] (when the rule applies to the indicator and
/// `suppress`), and the value and status hidden where either part is.
pub fn shown_figures(code: &str, figures: &[Figure], suppress: bool) -> Vec<ShownFigure> {
    let suppress = suppress && counts_people(code);
    let column = |part: fn(&Figure) -> i64| {
        let counts: Vec<i64> = figures.iter().map(part).collect();
        shown_column(&counts, suppress)
    };
    let numerators = column(|f| f.numerator);
    let denominators = column(|f| f.denominator);
    figures
        .iter()
        .zip(numerators.into_iter().zip(denominators))
        .map(|(figure, (numerator, denominator))| shown(figure, numerator, denominator))
        .collect()
}

/// The figure of the report's unit beside its communes' [`shown_figures`] (same indicator, same
/// order): numerator and denominator each as a [`shown_total`] of its line, the value and status
/// hidden where either part is.
pub fn shown_total_figure(total: &Figure, communes: &[ShownFigure]) -> ShownFigure {
    let line = |part: fn(&ShownFigure) -> Cell| communes.iter().map(part).collect::<Vec<_>>();
    let numerator = shown_total(total.numerator, &line(|f| f.numerator));
    let denominator = shown_total(total.denominator, &line(|f| f.denominator));
    shown(total, numerator, denominator)
}

fn shown(figure: &Figure, numerator: Cell, denominator: Cell) -> ShownFigure {
    let hidden = !(numerator.is_shown() && denominator.is_shown());
    let value = match figure.value {
        _ if hidden => ShownValue::Hidden,
        Some(value) => ShownValue::Value(value),
        None => ShownValue::NoData,
    };
    ShownFigure {
        numerator,
        denominator,
        value,
        status: (!hidden).then_some(figure.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{figure, Op, Target, Unit};

    fn percent(numerator: i64, denominator: i64) -> Figure {
        let target = Target {
            op: Op::AtLeast,
            value: 60.0,
        };
        figure(Unit::Percent, numerator, denominator, Some(target))
    }

    #[test]
    fn one_to_four_are_small_zero_and_five_are_shown() {
        let shown: Vec<String> = [0, 1, 3, 4, 5, 7]
            .into_iter()
            .map(|n| shown_count(n, true).to_string())
            .collect();
        assert_eq!(shown, ["0", "<5", "<5", "<5", "5", "7"]);
        assert_eq!(shown_count(3, false), Cell::Number(3));
        assert_eq!(shown_count(3, true).number(), None);
        assert_eq!(Cell::Hidden.to_string(), "x");
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_non_zero_neighbour_with_it() {
        use Cell::{Hidden, Number, Small};
        assert_eq!(
            shown_column(&[12, 0, 3, 9, 9], true),
            [Number(12), Number(0), Small, Hidden, Number(9)]
        );
        // Two small cells already hide each other.
        assert_eq!(shown_column(&[2, 4, 20], true), [Small, Small, Number(20)]);
        // No partner: the cell stays alone, and the total goes instead.
        let lone = shown_column(&[0, 3, 0], true);
        assert_eq!(lone, [Number(0), Small, Number(0)]);
        assert_eq!(shown_total(3, &lone), Small);
        assert_eq!(
            shown_total(9, &lone),
            Hidden,
            "9 less the district's own work"
        );
        let paired = shown_column(&[12, 0, 3, 9, 9], true);
        assert_eq!(shown_total(33, &paired), Number(33));
        assert_eq!(shown_total(3, &[Number(3)]), Number(3));
        assert_eq!(
            shown_column(&[1, 30], false),
            [Number(1), Number(30)],
            "inside the district every figure shows"
        );
    }

    #[test]
    fn a_hidden_part_hides_the_percentage_and_status() {
        let shown = shown_figures(
            "PCMD-HT01",
            &[percent(3, 10), percent(9, 12), percent(7, 9)],
            true,
        );
        assert_eq!(shown[0].numerator, Cell::Small);
        assert_eq!(shown[0].denominator, Cell::Number(10));
        assert_eq!(
            (shown[0].value, shown[0].status),
            (ShownValue::Hidden, None)
        );
        // The partner hidden with the lone `<5`: the smallest other numerator.
        assert_eq!(shown[1].numerator, Cell::Number(9));
        assert_eq!(shown[2].numerator, Cell::Hidden);
        assert_eq!(shown[2].value, ShownValue::Hidden);
        assert_eq!(shown[1].value, ShownValue::Value(75.0));
        assert_eq!(shown[1].status, Some(Status::Met));
    }

    #[test]
    fn a_total_that_would_give_back_a_lone_small_cell_is_hidden() {
        let communes = [percent(0, 9), percent(2, 6), percent(0, 0)];
        let shown = shown_figures("PCMD-HT01", &communes, true);
        let total = shown_total_figure(&percent(2, 15), &shown);
        assert_eq!(total.numerator, Cell::Small);
        assert_eq!(total.denominator, Cell::Number(15));
        assert_eq!((total.value, total.status), (ShownValue::Hidden, None));
        let open = shown_figures("PCMD-HT01", &communes, false);
        let total = shown_total_figure(&percent(2, 15), &open);
        assert_eq!(total.value, ShownValue::Value(13.3));
    }

    #[test]
    fn a_small_denominator_hides_a_zero_numerators_percentage() {
        let shown = shown_figures("PCMD-TT03", &[percent(0, 4)], true);
        assert_eq!(shown[0].numerator, Cell::Number(0));
        assert_eq!(shown[0].denominator, Cell::Small);
        assert_eq!(shown[0].value, ShownValue::Hidden);
        let empty = shown_figures("PCMD-TT03", &[percent(0, 0)], true);
        assert_eq!(
            (empty[0].value, empty[0].status),
            (ShownValue::NoData, Some(Status::NoData))
        );
    }

    #[test]
    fn indicators_counting_communes_are_never_suppressed() {
        let shown = shown_figures("PCMD-TT01", &[percent(1, 1), percent(0, 1)], true);
        assert_eq!(shown[0].numerator, Cell::Number(1));
        assert_eq!(shown[0].value, ShownValue::Value(100.0));
        assert!(!counts_people("PCMD-MH01"));
        assert!(counts_people("PCMD-KT01"));
        assert!(breakdown_counts_people("female_workers"));
        assert!(!breakdown_counts_people("fines_vnd"));
        let off = shown_figures("PCMD-HT01", &[percent(3, 4)], false);
        assert_eq!(off[0].value, ShownValue::Value(75.0));
    }
}

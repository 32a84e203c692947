//! The small-count rule of figures that leave the district (`DOMAIN.md`, "Privacy": "small counts
//! (under 5 at commune level) suppressed"), and how a hidden figure travels. The server applies it
//! ([`suppress`], in `server/src/suppression.rs`) to the indicators JSON, the report files and the
//! figures of the printable page alike, so every copy of a report hides the same cells; the phone
//! only reads the marks ([`received`]).
//!
//! What it protects. A reader holding every report of a year they may read (each quarter, each unit
//! from the province down to a commune) cannot work out exactly:
//! - a commune's count from 1 to 4 (shown `<5`, [`Cell::Small`]). Zero stays 0: it names nobody,
//!   and hiding it would make every other `<5` easier to guess;
//! - a commune's count of one quarter, or of several in a row, from 1 to 4: the difference of two
//!   year-to-date figures (Q2 year to date less Q1 year to date is Q2's own count);
//! - any cell hidden to protect those (shown `x`, [`Cell::Hidden`]).
//!
//! What the reader is taken to know (the audit, `Reading`): every number shown; that `<5` is 1 to 4
//! and a commune's `x` at least 5 (a hidden total is `x` whatever it is: a `<5` total would tell that
//! its communes hold few); that a unit's total is the sum of its communes' (given exactly, although
//! the district's own work and the clients counted in two communes make the real total differ: the
//! worst case); that the same count appears in two places (PCMD-TG01's numerator is PCMD-C05's
//! tip-offs handled in time: [`indicator_measures`]), that PCMD-KT01's denominator is the sum of
//! PCMD-C01's business types ([`Sheet::new`]), and that some counts never exceed others
//! ([`AT_MOST`]); that a year-to-date figure never falls, and that the lines hold for each quarter's
//! own counts as for the years to date. From these the reader works out whatever follows exactly:
//! a cell as a total less the other cells of its line, in any combination of lines (elimination),
//! and by bounds, one line at a time (a `<5` and an `x` of known sum 6 are 1 and 5; a figure between
//! the same commune's figures of the quarters before and after it; what the hidden cells of a line
//! added over a quarter, against what the line shows).
//!
//! The rule, quarter by quarter from the first, so that a quarter's cells never change when a later
//! quarter's records arrive:
//! 1. a commune's count from 1 to 4 is `<5`;
//! 2. then, as long as the reader can work something out, more cells of the quarter are hidden as
//!    `x`: a commune's count whose difference from one of its earlier quarters shown is 1 to 4;
//!    else, for what can be worked out, the smallest non-zero cell of a line giving it away (the
//!    same cell in this quarter, for an earlier one; its column: the other communes of a total; its
//!    row: the same commune's business types and their sum; a count bounding it), else that line's
//!    total. Hiding only takes knowledge away and a quarter with nothing shown tells nothing new, so
//!    this ends; what is still given away then (in theory: by a district's own work) is accepted.
//!
//! It applies to the counts of people, businesses and cases ([`counts_people`],
//! [`breakdown_counts_people`]); the indicators counting communes, public media posts and agencies,
//! amounts of money and numbers of sessions name nobody and stay as they are. A ratio with its
//! numerator or denominator hidden also hides its percentage and its status (either would give the
//! hidden part back from the other).
//!
//! Known limits, accepted: a reader who adds up the bounds of several lines at once (linear
//! programming) can narrow a few cells further than the audit looks, on sheets of few, small,
//! heavily hidden cells (`domain/tests/suppression.rs` measures it: 2 of 400 such generated sheets);
//! figures change when a record of a past quarter arrives late, and reports taken before and after
//! such a change may together give a cell away; the register of businesses counts from before the
//! year, and its first quarter less the year before's last is not audited (each year is on its own);
//! the clients counted in several communes, and the district's own work, are a unit's total less
//! its communes' sum; a commune's fines stay visible beside its hidden sanctioned inspections; a
//! numerator close to its denominator (48 of 50) tells that few were left out; counts that are not
//! exactly related (participants and workers reached) are taken as apart.

use crate::indicator::{Figure, Status};
use crate::{BusinessType, Coded};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Counts below this, and above zero, are small.
pub const SMALL_COUNT: i64 = 5;

/// What one count cell of a report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Number(i64),
    /// A count from 1 to 4: `<5`.
    Small,
    /// Hidden so that a small count cannot be worked out: a commune's count of 5 or more, or a
    /// total of any size: `x`.
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

    /// How a hidden count of `n` shows: `<5` from 1 to 4, else `x`.
    fn hiding(n: i64) -> Cell {
        if (1..SMALL_COUNT).contains(&n) {
            Cell::Small
        } else {
            Cell::Hidden
        }
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

/// Whether the small-count rule applies to an indicator: those counting people (workers,
/// students, clients, officials), tip-offs or businesses. The indicators counting communes
/// (PCMD-TT01, PCMD-KH01, PCMD-MH01), media posts (PCMD-TT02) and agencies (PCMD-KH02) do not.
pub fn counts_people(code: &str) -> bool {
    crate::indicator::IndicatorCode::parse(code)
        .is_none_or(|code| code.counted().could_name_someone())
}

/// Whether the rule applies to one figure of a plain count (PCMD-C01..C07), by the `key` of its
/// breakdown: all count people, businesses or cases, except an amount of money (`fines_vnd`) and
/// the number of outreach sessions (`sessions`: events, which name nobody).
pub fn breakdown_counts_people(key: &str) -> bool {
    !matches!(key, "fines_vnd" | "sessions")
}

/// The name of one figure of a plain count as a count of the rule (`PCMD-C05/received`), if the
/// rule applies to it.
pub fn count_measure(code: &str, key: &str) -> Option<String> {
    breakdown_counts_people(key).then(|| format!("{code}/{key}"))
}

/// The names of an indicator's numerator and denominator as counts of the rule, if it applies.
/// Where a part is a figure of a plain count too, it has that figure's name: one count, hidden
/// alike in both places.
pub fn indicator_measures(code: &str) -> Option<[String; 2]> {
    let parts = match code {
        _ if !counts_people(code) => return None,
        "PCMD-TG01" => ["PCMD-C05/handled_in_time", "PCMD-C05/received"].map(String::from),
        "PCMD-TT03" => [format!("{code}/numerator"), "PCMD-C02/workers".into()],
        _ => [format!("{code}/numerator"), format!("{code}/denominator")],
    };
    Some(parts)
}

/// Counts that never exceed another, for every commune: `(smaller, larger)`. Tip-offs handled in
/// time were handled, and handled ones were received; female workers are workers; sanctioned
/// inspections and businesses found in violation are among the inspections; clients who accessed
/// a service, and eligible ones, are clients, and those of them who accessed one are eligible.
pub const AT_MOST: [(&str, &str); 7] = [
    ("PCMD-C05/handled_in_time", "PCMD-C05/handled"),
    ("PCMD-C05/handled", "PCMD-C05/received"),
    ("PCMD-C02/female_workers", "PCMD-C02/workers"),
    ("PCMD-C04/sanctioned_inspections", "PCMD-C04/inspections"),
    ("PCMD-C04/violating_businesses", "PCMD-C04/inspections"),
    ("PCMD-HT01/numerator", "PCMD-HT01/denominator"),
    ("PCMD-HT01/denominator", "PCMD-C03/clients"),
];

/// An indicator's value as a report may show it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "shown", content = "value")]
pub enum ShownValue {
    Value(f64),
    /// A zero denominator: nothing to compute.
    NoData,
    /// Numerator or denominator hidden, so the value is too.
    Hidden,
}

/// A figure as a report shows it. `status` is `None` when hidden with the value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShownFigure {
    pub numerator: Cell,
    pub denominator: Cell,
    pub value: ShownValue,
    pub status: Option<Status>,
}

/// The parts of an indicator's figure that the rule hid, as the JSON gives them beside the figure:
/// `{"numerator": "small", "denominator": "hidden"}` (`<5` and `x`), the hidden ones only. The
/// hidden numbers themselves go as 0, the value as null and the status as `no_data`: an app that
/// does not know this field still reads the answer, and shows no data rather than a figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HiddenParts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Cell>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Cell>,
}

/// Takes the hidden parts out of a figure that leaves with the rule applied, and says which they
/// were (none: the figure goes as it is).
pub fn hide_parts(figure: &mut Figure, numerator: Cell, denominator: Cell) -> Option<HiddenParts> {
    if numerator.is_shown() && denominator.is_shown() {
        return None;
    }
    let hidden = |cell: Cell, n: &mut i64| {
        (!cell.is_shown()).then(|| {
            *n = 0;
            cell
        })
    };
    let parts = HiddenParts {
        numerator: hidden(numerator, &mut figure.numerator),
        denominator: hidden(denominator, &mut figure.denominator),
    };
    figure.value = None;
    figure.status = Status::NoData;
    Some(parts)
}

/// A figure as an answer gives it, with the parts the rule hid.
pub fn received(figure: &Figure, hidden: Option<&HiddenParts>) -> ShownFigure {
    let part = |mark: Option<Cell>, n: i64| mark.unwrap_or(Cell::Number(n));
    let parts = hidden.copied().unwrap_or_default();
    let numerator = part(parts.numerator, figure.numerator);
    let denominator = part(parts.denominator, figure.denominator);
    let hidden = !(numerator.is_shown() && denominator.is_shown());
    ShownFigure {
        numerator,
        denominator,
        value: match figure.value {
            _ if hidden => ShownValue::Hidden,
            Some(value) => ShownValue::Value(value),
            None => ShownValue::NoData,
        },
        status: (!hidden).then_some(figure.status),
    }
}

/// The counts of one report that the rule applies to, for each commune and each total above
/// them, year to date at the end of each quarter from the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The counts, by name ([`indicator_measures`], [`count_measure`]).
    pub measures: Vec<String>,
    /// Counts that are the sum of others, for each commune: `(sum, parts)`, by index.
    pub sums: Vec<(usize, Vec<usize>)>,
    /// `(a, b)`, by index: `a` never exceeds `b`.
    pub at_most: Vec<(usize, usize)>,
    /// How many communes. A row of the sheet is a commune, then a total.
    pub communes: usize,
    /// Each total (a unit above the communes: the province, a district): the communes it adds up.
    pub totals: Vec<Vec<usize>>,
    /// `values[quarter][measure][row]`: the communes' counts, then the totals'. A commune that did
    /// not exist yet in a quarter counts 0 there.
    pub values: Vec<Vec<Vec<i64>>>,
}

impl Sheet {
    /// A sheet of the plan's counts, with the relations between them that the names tell: PCMD-KT01's
    /// denominator is the sum of PCMD-C01's business types (every business of the register has one
    /// type), and [`AT_MOST`].
    pub fn new(
        measures: Vec<String>,
        communes: usize,
        totals: Vec<Vec<usize>>,
        values: Vec<Vec<Vec<i64>>>,
    ) -> Sheet {
        let index = |name: &str| measures.iter().position(|m| m == name);
        let types: Option<Vec<usize>> = BusinessType::ALL
            .iter()
            .map(|kind| index(&format!("PCMD-C01/{}", kind.as_str())))
            .collect();
        let sums = index("PCMD-KT01/denominator")
            .zip(types)
            .into_iter()
            .collect();
        let at_most = AT_MOST
            .iter()
            .filter_map(|(a, b)| index(a).zip(index(b)))
            .collect();
        Sheet {
            measures,
            sums,
            at_most,
            communes,
            totals,
            values,
        }
    }

    /// How a cell shows once hidden: a commune's count (5 or more) as `x`; a total as `x` too,
    /// whatever it is, since a `<5` total would tell the reader more.
    fn hidden(&self, at: At) -> Cell {
        if at.row < self.communes {
            Cell::hiding(self.value(at))
        } else {
            Cell::Hidden
        }
    }

    fn rows(&self) -> usize {
        self.communes + self.totals.len()
    }

    fn value(&self, at: At) -> i64 {
        self.values[at.q][at.m][at.row]
    }

    /// What a shown cell tells the reader: a commune's count, or for a total the sum of its
    /// communes' counts.
    fn known(&self, at: At) -> i64 {
        match at.row.checked_sub(self.communes) {
            None => self.value(at),
            Some(t) => self.totals[t]
                .iter()
                .map(|&c| self.values[at.q][at.m][c])
                .sum(),
        }
    }

    /// The counts linked by a relation, each group audited on its own.
    fn blocks(&self) -> Vec<Vec<usize>> {
        let mut group: Vec<usize> = (0..self.measures.len()).collect();
        fn root(group: &mut [usize], m: usize) -> usize {
            let mut m = m;
            while group[m] != m {
                m = group[m];
            }
            m
        }
        let links = self
            .sums
            .iter()
            .flat_map(|(sum, parts)| parts.iter().map(move |part| (*sum, *part)))
            .chain(self.at_most.iter().copied());
        for (a, b) in links {
            let (a, b) = (root(&mut group, a), root(&mut group, b));
            group[a.max(b)] = a.min(b);
        }
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut of_root: HashMap<usize, usize> = HashMap::new();
        for m in 0..self.measures.len() {
            let r = root(&mut group, m);
            let index = *of_root.entry(r).or_insert_with(|| {
                blocks.push(Vec::new());
                blocks.len() - 1
            });
            blocks[index].push(m);
        }
        blocks
    }
}

/// Where a cell sits: quarter, count and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct At {
    q: usize,
    m: usize,
    row: usize,
}

/// What the reader can work out: a hidden cell, or a commune's count from 1 to 4 of the quarters
/// after `from` (0: the start of the year) up to `at.q` (quarters counted from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Given {
    Cell(At),
    Run { at: At, from: usize },
}

impl Given {
    /// The cell it is, or ends at.
    fn at(self) -> At {
        match self {
            Given::Cell(at) | Given::Run { at, .. } => at,
        }
    }
}

/// What each cell of the sheet shows under the rule, in the shape of [`Sheet::values`].
pub fn suppress(sheet: &Sheet) -> Vec<Vec<Vec<Cell>>> {
    let blocks = sheet.blocks();
    let mut cells: Vec<Vec<Vec<Cell>>> = Vec::new();
    // What a reader could work out that no hiding in its quarter could protect.
    let mut accepted: HashSet<Given> = HashSet::new();
    for quarter in &sheet.values {
        let first = quarter
            .iter()
            .map(|counts| {
                let commune = |row: usize| row < sheet.communes;
                (counts.iter().enumerate())
                    .map(|(row, &n)| match n {
                        1..SMALL_COUNT if commune(row) => Cell::Small,
                        _ => Cell::Number(n),
                    })
                    .collect()
            })
            .collect();
        cells.push(first);
        for block in &blocks {
            hide_what_is_given(sheet, &mut cells, block, &mut accepted);
        }
    }
    cells
}

/// Hides cells of the last quarter in `block` until the reader works out nothing new; what they
/// still work out then is `accepted`. Each round hides one cell for each count with something given
/// away; a thing given away again after that first try is then handled with care (each candidate
/// tried).
fn hide_what_is_given(
    sheet: &Sheet,
    cells: &mut [Vec<Vec<Cell>>],
    block: &[usize],
    accepted: &mut HashSet<Given>,
) {
    let before = Reading::before(sheet, cells, block);
    let mut tried: HashSet<Given> = HashSet::new();
    loop {
        if let Some(at) = small_difference(sheet, cells, block) {
            cells[at.q][at.m][at.row] = sheet.hidden(at);
            continue;
        }
        let reading = Reading::new(sheet, cells, block, &before);
        let given: Vec<Given> = reading
            .given(sheet)
            .filter(|given| !accepted.contains(given))
            .collect();
        let mut counts = HashSet::new();
        let mut hidden = false;
        for given in given {
            if !counts.insert(given.at().m) {
                continue;
            }
            let careful = !tried.insert(given);
            if let Some(at) = complement(sheet, cells, block, &before, given, careful) {
                cells[at.q][at.m][at.row] = sheet.hidden(at);
                hidden = true;
            }
        }
        if !hidden {
            accepted.extend(reading.given(sheet));
            return;
        }
    }
}

/// A shown commune count of the last quarter whose difference from the same commune's count of an
/// earlier quarter shown (or from 0 before the year) is 1 to 4: a small count of those quarters.
/// The reading finds these too; this is the quick look first.
fn small_difference(sheet: &Sheet, cells: &[Vec<Vec<Cell>>], block: &[usize]) -> Option<At> {
    let q = cells.len() - 1;
    let shown = |at: At| cells[at.q][at.m][at.row].number();
    block
        .iter()
        .flat_map(|&m| (0..sheet.communes).map(move |row| At { q, m, row }))
        .find(|&at| {
            let Some(now) = shown(at) else { return false };
            let earlier = (0..q).filter_map(|q| shown(At { q, ..at }));
            std::iter::once(0)
                .chain(earlier)
                .any(|before| (1..SMALL_COUNT).contains(&(now - before)))
        })
}

/// The cell of the last quarter to hide so that the reader can no longer work out `given`: the
/// best cell of the first line that may give it away; with `careful`, of those best cells the first
/// that alone stops it (else the first); else the smallest shown cell of the quarter in the block.
fn complement(
    sheet: &Sheet,
    cells: &[Vec<Vec<Cell>>],
    block: &[usize],
    before: &Told,
    given: Given,
    careful: bool,
) -> Option<At> {
    let q = cells.len() - 1;
    let (at, own) = match given {
        Given::Cell(at) => (at, Some(at)),
        Given::Run { at, .. } => (at, None),
    };
    let shown = |at: &At| cells[at.q][at.m][at.row].number().is_some_and(|n| n > 0);
    // Commune cells before totals, then the smallest.
    let best = |line: Vec<At>| {
        line.into_iter()
            .filter(|cell| Some(*cell) != own && shown(cell))
            .min_by_key(|at| (at.row >= sheet.communes, sheet.value(*at), at.row, at.m))
    };
    let mut candidates: Vec<At> = Vec::new();
    for line in lines_through(sheet, at, q) {
        if let Some(cell) = best(line).filter(|cell| !candidates.contains(cell)) {
            candidates.push(cell);
        }
    }
    let mut trial = cells.to_vec();
    for &candidate in candidates.iter().filter(|_| careful) {
        let shown = trial[candidate.q][candidate.m][candidate.row];
        trial[candidate.q][candidate.m][candidate.row] = sheet.hidden(candidate);
        if !Reading::new(sheet, &trial, block, before).gives(sheet, given) {
            return Some(candidate);
        }
        trial[candidate.q][candidate.m][candidate.row] = shown;
    }
    candidates.first().copied().or_else(|| {
        let quarter = |m: usize| (0..sheet.rows()).map(move |row| At { q, m, row });
        best(quarter(at.m).collect())
            .or_else(|| best(block.iter().flat_map(|&m| quarter(m)).collect()))
    })
}

/// The lines of quarter `q` that may give `at` away, most likely first: the same cell in quarter
/// `q` (a year-to-date figure bounds the ones before it, and with the one before gives the
/// quarter's own count); its column lines (each total through it, smallest first: they also add
/// up the quarter's own counts); its row lines (a sum and its parts, for the same commune or
/// total); and the counts bounding it.
fn lines_through(sheet: &Sheet, at: At, q: usize) -> Vec<Vec<At>> {
    let cell = |m: usize, row: usize| At { q, m, row };
    let mut lines = vec![vec![cell(at.m, at.row)]];
    let mut columns: Vec<usize> = match at.row.checked_sub(sheet.communes) {
        None => (0..sheet.totals.len())
            .filter(|&t| sheet.totals[t].contains(&at.row))
            .collect(),
        Some(t) => vec![t],
    };
    columns.sort_by_key(|&t| sheet.totals[t].len());
    for t in columns {
        let mut line: Vec<At> = sheet.totals[t].iter().map(|&c| cell(at.m, c)).collect();
        line.push(cell(at.m, sheet.communes + t));
        lines.push(line);
    }
    for (sum, parts) in &sheet.sums {
        if *sum == at.m || parts.contains(&at.m) {
            let row = std::iter::once(sum).chain(parts);
            lines.push(row.map(|&m| cell(m, at.row)).collect());
        }
    }
    for &(a, b) in &sheet.at_most {
        if a == at.m || b == at.m {
            lines.push(vec![cell(a, at.row), cell(b, at.row)]);
        }
    }
    lines
}

/// The least and most a reader can tell an unknown is: `hi` `None` for no upper bound.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bounds {
    lo: i128,
    hi: Option<i128>,
}

impl Bounds {
    fn pinned(self) -> Option<i128> {
        (self.hi == Some(self.lo)).then_some(self.lo)
    }
}

/// A linear equation over unknowns: `Σ coefficient × unknown = rhs`.
#[derive(Clone, Debug)]
struct Equation {
    terms: Vec<(usize, i128)>,
    rhs: i128,
}

/// A number of the sheet as the reader has it: an unknown, or a number they know.
type Term = Result<usize, i128>;

/// What a reader can tell of the counts of a block, from every quarter of the sheet so far: the
/// bounds of each hidden cell and of each quarter's own count that the shown cells do not give,
/// after the exact consequences of the lines (elimination) and of the bounds (propagation).
///
/// A quarter's own count (its year to date less the quarter before's) is at least 0, and the lines
/// hold for the quarters' own counts as for the years to date (a total's own count of a quarter is
/// its communes'): that is how a reader carries what the lines tell from one quarter to the next.
#[derive(Clone)]
struct Reading {
    bounds: Vec<Bounds>,
    /// The unknown of each hidden cell.
    cells: HashMap<At, usize>,
    /// The unknown of each quarter's own count that the shown cells do not give, by the cell at its
    /// end (from the second quarter: the first quarter's own count is its cell).
    increments: HashMap<At, usize>,
}

impl Reading {
    /// What the reader tells from the quarters of `cells`, those before the last as `before`
    /// already holds them ([`Reading::before`]).
    fn new(sheet: &Sheet, cells: &[Vec<Vec<Cell>>], block: &[usize], before: &Told) -> Reading {
        let mut told = before.clone();
        told.add_quarter(sheet, cells, block, cells.len() - 1);
        let mut reading = told.reading;
        propagate(&told.equations, &told.pairs, &mut reading.bounds);
        reading
    }

    /// What the quarters of `cells` before the last tell, unpropagated: the same while the last
    /// quarter's cells are chosen.
    fn before(sheet: &Sheet, cells: &[Vec<Vec<Cell>>], block: &[usize]) -> Told {
        let mut told = Told {
            reading: Reading {
                bounds: Vec::new(),
                cells: HashMap::new(),
                increments: HashMap::new(),
            },
            equations: Vec::new(),
            pairs: Vec::new(),
        };
        for q in 0..cells.len() - 1 {
            told.add_quarter(sheet, cells, block, q);
        }
        told
    }

    /// A cell as the reader has it: a shown commune's count; a shown total as its communes' sum.
    fn cell(&self, sheet: &Sheet, at: At) -> Term {
        self.cells
            .get(&at)
            .copied()
            .ok_or_else(|| i128::from(sheet.known(at)))
    }

    /// A quarter's own count, by the cell at its end.
    fn increment(&self, sheet: &Sheet, at: At) -> Term {
        if let Some(unknown) = self.increments.get(&at) {
            return Ok(*unknown);
        }
        match at.q {
            0 => self.cell(sheet, at),
            q => Err(i128::from(
                sheet.known(at) - sheet.known(At { q: q - 1, ..at }),
            )),
        }
    }

    /// The equations of quarter `q` over the numbers `of` gives for its cells: each total is its
    /// communes' sum, each sum its parts'.
    fn lines(
        &self,
        sheet: &Sheet,
        block: &[usize],
        q: usize,
        of: impl Fn(At) -> Term,
    ) -> Vec<Vec<(Term, i128)>> {
        let mut lines = Vec::new();
        for &m in block {
            for (t, communes) in sheet.totals.iter().enumerate() {
                let mut line: Vec<(Term, i128)> = communes
                    .iter()
                    .map(|&row| (of(At { q, m, row }), 1))
                    .collect();
                let total = At {
                    q,
                    m,
                    row: sheet.communes + t,
                };
                line.push((of(total), -1));
                lines.push(line);
            }
        }
        for (sum, parts) in &sheet.sums {
            if block.contains(sum) {
                for row in 0..sheet.rows() {
                    let mut line = vec![(of(At { q, m: *sum, row }), 1)];
                    line.extend(parts.iter().map(|&m| (of(At { q, m, row }), -1)));
                    lines.push(line);
                }
            }
        }
        lines
    }

    fn exact(&self, term: Term) -> Option<i128> {
        match term {
            Ok(unknown) => self.bounds[unknown].pinned(),
            Err(n) => Some(n),
        }
    }

    /// What the reader works out: hidden cells, then communes' small counts of runs of quarters.
    fn given<'a>(&'a self, sheet: &'a Sheet) -> impl Iterator<Item = Given> + 'a {
        let mut cells: Vec<At> = self
            .cells
            .iter()
            .filter(|(_, unknown)| self.bounds[**unknown].pinned().is_some())
            .map(|(at, _)| *at)
            .collect();
        cells.sort();
        // A run ends at a cell that is hidden or follows an unknown count.
        let mut runs: Vec<(At, usize)> = self
            .increments
            .keys()
            .chain(self.cells.keys())
            .filter(|at| at.row < sheet.communes)
            .flat_map(|at| (0..=at.q).map(move |from| (*at, from)))
            .collect();
        runs.sort();
        runs.dedup();
        let runs = runs
            .into_iter()
            .map(|(at, from)| Given::Run { at, from })
            .filter(|run| self.gives(sheet, *run));
        cells.into_iter().map(Given::Cell).chain(runs)
    }

    /// Whether the reader works this out.
    fn gives(&self, sheet: &Sheet, given: Given) -> bool {
        match given {
            Given::Cell(at) => self.exact(self.cell(sheet, at)).is_some(),
            Given::Run { at, from } => {
                let start = match from {
                    0 => Some(0),
                    from => self.exact(self.cell(sheet, At { q: from - 1, ..at })),
                };
                let by_ends = start
                    .zip(self.exact(self.cell(sheet, at)))
                    .map(|(start, end)| end - start);
                let by_quarters = (from..=at.q)
                    .map(|q| self.exact(self.increment(sheet, At { q, ..at })))
                    .sum::<Option<i128>>();
                by_ends
                    .or(by_quarters)
                    .is_some_and(|n| (1..i128::from(SMALL_COUNT)).contains(&n))
            }
        }
    }
}

/// The unknowns a reader has and what binds them, before propagation: built quarter by quarter, so
/// that the quarters already decided are built once.
#[derive(Clone)]
struct Told {
    reading: Reading,
    equations: Vec<Equation>,
    /// `a ≤ b`.
    pairs: Vec<(Term, Term)>,
}

impl Told {
    /// Adds quarter `q`: its hidden cells and the quarter's own counts that shown cells do not
    /// give, its lines (for the years to date and for the quarter's own counts, each eliminated),
    /// and the bounds between counts and from the quarter before.
    fn add_quarter(&mut self, sheet: &Sheet, cells: &[Vec<Vec<Cell>>], block: &[usize], q: usize) {
        let reading = &mut self.reading;
        let every = || {
            block
                .iter()
                .flat_map(move |&m| (0..sheet.rows()).map(move |row| At { q, m, row }))
        };
        for at in every() {
            let (lo, hi) = match cells[q][at.m][at.row] {
                Cell::Number(_) => continue,
                Cell::Small => (1, Some(SMALL_COUNT - 1)),
                // An `x` commune count is 5 or more (1 to 4 are `<5`); an `x` total may be any.
                Cell::Hidden if at.row < sheet.communes => (SMALL_COUNT, None),
                Cell::Hidden => (0, None),
            };
            // A total's mark bounds the total; the reader counts in its communes' sum.
            let own = sheet.value(at) - sheet.known(at);
            let bounds = Bounds {
                lo: i128::from((lo - own).max(0)),
                hi: hi.map(|hi| i128::from(hi - own)),
            };
            reading.cells.insert(at, reading.bounds.len());
            reading.bounds.push(bounds);
        }
        let mut definitions: Vec<Vec<(Term, i128)>> = Vec::new();
        for at in every().filter(|_| q > 0) {
            let before = At { q: q - 1, ..at };
            let (now, then) = (reading.cell(sheet, at), reading.cell(sheet, before));
            // Where both show, the count is known; and only where the figures never fall.
            if now.is_err() && then.is_err() || sheet.known(before) > sheet.known(at) {
                continue;
            }
            let increment = reading.bounds.len();
            reading.increments.insert(at, increment);
            reading.bounds.push(Bounds { lo: 0, hi: None });
            definitions.push(vec![(now, 1), (then, -1), (Ok(increment), -1)]);
        }
        let reading = &self.reading;
        let mut add = |lines: Vec<Vec<(Term, i128)>>, eliminated: bool| {
            let group: Vec<Equation> = lines.into_iter().filter_map(equation).collect();
            if eliminated {
                self.equations.extend(eliminate(&group));
            }
            self.equations.extend(group);
        };
        add(
            reading.lines(sheet, block, q, |at| reading.cell(sheet, at)),
            true,
        );
        if q > 0 {
            let increment = |at| reading.increment(sheet, at);
            add(reading.lines(sheet, block, q, increment), true);
        }
        add(definitions, false);
        // `a` never above `b`: where the sheet's own figures keep to it.
        for row in 0..sheet.rows() {
            let mut keep = |a: At, b: At| {
                if sheet.known(a) <= sheet.known(b) {
                    self.pairs
                        .push((reading.cell(sheet, a), reading.cell(sheet, b)));
                }
            };
            for &m in block.iter().filter(|_| q > 0) {
                keep(At { q: q - 1, m, row }, At { q, m, row });
            }
            for &(a, b) in &sheet.at_most {
                if block.contains(&a) {
                    keep(At { q, m: a, row }, At { q, m: b, row });
                }
            }
        }
    }
}

/// An equation from a line of terms, the numbers known moved to the right; none without unknowns.
fn equation(line: Vec<(Term, i128)>) -> Option<Equation> {
    let mut equation = Equation {
        terms: Vec::new(),
        rhs: 0,
    };
    for (term, coefficient) in line {
        match term {
            Ok(unknown) => equation.terms.push((unknown, coefficient)),
            Err(n) => equation.rhs -= coefficient * n,
        }
    }
    (!equation.terms.is_empty()).then_some(equation)
}

/// Every equation that follows from `equations` with as few unknowns as elimination leaves
/// (Gauss-Jordan in whole numbers): an unknown the lines fix alone is alone in its row.
fn eliminate(equations: &[Equation]) -> Vec<Equation> {
    let mut columns: Vec<usize> = equations
        .iter()
        .flat_map(|e| e.terms.iter().map(|(u, _)| *u))
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let width = columns.len();
    let mut rows: Vec<Vec<i128>> = equations
        .iter()
        .map(|equation| {
            let mut row = vec![0; width + 1];
            for &(unknown, coefficient) in &equation.terms {
                if let Ok(c) = columns.binary_search(&unknown) {
                    row[c] += coefficient;
                }
            }
            row[width] = equation.rhs;
            row
        })
        .collect();
    let mut pivots = 0;
    for column in 0..width {
        let Some(p) = (pivots..rows.len()).find(|&r| rows[r][column] != 0) else {
            continue;
        };
        rows.swap(pivots, p);
        let pivot = rows[pivots].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != pivots && row[column] != 0 {
                let (a, b) = (pivot[column], row[column]);
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x = *x * a - y * b;
                }
                let divisor = row.iter().fold(0, |g, &x| gcd(g, x));
                if divisor > 1 {
                    row.iter_mut().for_each(|x| *x /= divisor);
                }
            }
        }
        pivots += 1;
    }
    rows.truncate(pivots);
    rows.into_iter()
        .map(|row| Equation {
            terms: (columns.iter().zip(&row))
                .filter(|(_, c)| **c != 0)
                .map(|(u, c)| (*u, *c))
                .collect(),
            rhs: row[width],
        })
        .collect()
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The least and most of a term (`None`: unbounded).
type Range = (Option<i128>, Option<i128>);

/// Narrows the bounds of the unknowns by the equations and the pairs (`a ≤ b`) until nothing
/// changes.
fn propagate(equations: &[Equation], pairs: &[(Term, Term)], bounds: &mut [Bounds]) {
    // Enough for these short chains; a reader who goes on learns nothing more in practice.
    for _ in 0..64 {
        let mut changed = false;
        for equation in equations {
            // Each term's least and most (None: unbounded), and their sums with how many of them
            // are unbounded, so that each term's "all the others" is one subtraction.
            let ranges: Vec<Range> = equation
                .terms
                .iter()
                .map(|&(unknown, c)| {
                    let Bounds { lo, hi } = bounds[unknown];
                    if c > 0 {
                        (Some(c * lo), hi.map(|hi| c * hi))
                    } else {
                        (hi.map(|hi| c * hi), Some(c * lo))
                    }
                })
                .collect();
            let sum = |side: fn(&Range) -> Option<i128>| {
                ranges
                    .iter()
                    .fold((0i128, 0usize), |(total, open), r| match side(r) {
                        Some(n) => (total + n, open),
                        None => (total, open + 1),
                    })
            };
            let (least, least_open) = sum(|r| r.0);
            let (most, most_open) = sum(|r| r.1);
            let others = |(total, open): (i128, usize), own: Option<i128>| match own {
                Some(n) if open == 0 => Some(total - n),
                None if open == 1 => Some(total),
                _ => None,
            };
            for (&(unknown, c), range) in equation.terms.iter().zip(&ranges) {
                // c × unknown = rhs − the others, so it lies between these two.
                let low = others((most, most_open), range.1).map(|o| equation.rhs - o);
                let high = others((least, least_open), range.0).map(|o| equation.rhs - o);
                let (lo, hi) = if c > 0 {
                    (low.map(|v| ceil_div(v, c)), high.map(|v| floor_div(v, c)))
                } else {
                    (high.map(|v| ceil_div(v, c)), low.map(|v| floor_div(v, c)))
                };
                changed |= narrow(&mut bounds[unknown], lo, hi);
            }
        }
        for &(a, b) in pairs {
            let value = |side: Term| match side {
                Ok(unknown) => bounds[unknown],
                Err(n) => Bounds { lo: n, hi: Some(n) },
            };
            let (below, above) = (value(a), value(b));
            if let Ok(a) = a {
                changed |= narrow(&mut bounds[a], None, above.hi);
            }
            if let Ok(b) = b {
                changed |= narrow(&mut bounds[b], Some(below.lo), None);
            }
        }
        if !changed {
            return;
        }
    }
}

/// Raises `lo` and lowers `hi` where the new ones are tighter; whether anything changed.
fn narrow(bounds: &mut Bounds, lo: Option<i128>, hi: Option<i128>) -> bool {
    let mut changed = false;
    if let Some(lo) = lo.filter(|lo| *lo > bounds.lo) {
        bounds.lo = lo;
        changed = true;
    }
    if let Some(hi) = hi.filter(|hi| bounds.hi.is_none_or(|old| *hi < old)) {
        bounds.hi = Some(hi);
        changed = true;
    }
    changed
}

fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && (a < 0) != (b < 0) {
        q - 1
    } else {
        q
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && (a < 0) == (b < 0) {
        q + 1
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{figure, Op, Target, Unit};
    use Cell::{Hidden, Number, Small};

    /// One count of some communes, a total of them all, quarter by quarter.
    fn column(quarters: &[&[i64]]) -> Sheet {
        let communes = quarters[0].len();
        let values = quarters
            .iter()
            .map(|counts| {
                let mut row = counts.to_vec();
                row.push(counts.iter().sum());
                vec![row]
            })
            .collect();
        Sheet::new(
            vec!["PCMD-C03/clients".into()],
            communes,
            vec![(0..communes).collect()],
            values,
        )
    }

    /// The cells of the last quarter of a one-count sheet.
    fn last(sheet: &Sheet) -> Vec<Cell> {
        suppress(sheet).pop().unwrap().remove(0)
    }

    #[test]
    fn one_to_four_are_small_zero_and_five_are_shown() {
        let shown: Vec<String> = [0, 1, 3, 4, 5, 7]
            .into_iter()
            .map(|n| Cell::hiding(n).to_string())
            .collect();
        assert_eq!(shown, ["x", "<5", "<5", "<5", "x", "x"]);
        assert_eq!(
            last(&column(&[&[0, 2, 3, 9, 7]])),
            [Number(0), Small, Small, Number(9), Number(7), Number(21)]
        );
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_non_zero_neighbour_with_it() {
        assert_eq!(
            last(&column(&[&[12, 0, 3, 9, 9]])),
            [Number(12), Number(0), Small, Hidden, Number(9), Number(33)]
        );
        // Two small cells already hide each other, unless their sum gives both (1 + 1, 4 + 4).
        assert_eq!(
            last(&column(&[&[2, 4, 20]])),
            [Small, Small, Number(20), Number(26)]
        );
        assert_eq!(
            last(&column(&[&[1, 1, 20]])),
            [Small, Small, Hidden, Number(22)]
        );
        // A `<5` and an `x` of sum 6 are 1 and 5: a second partner goes too.
        assert_eq!(
            last(&column(&[&[1, 5, 7]])),
            [Small, Hidden, Hidden, Number(13)]
        );
    }

    #[test]
    fn without_a_partner_the_total_goes() {
        // A hidden total is `x` whatever it is: `<5` would tell that its communes are few.
        assert_eq!(
            last(&column(&[&[0, 3, 0]])),
            [Number(0), Small, Number(0), Hidden]
        );
        // With the district's own work beside, 9.
        let mut sheet = column(&[&[0, 3, 0]]);
        sheet.values[0][0][3] = 9;
        assert_eq!(last(&sheet), [Number(0), Small, Number(0), Hidden]);
        // A report of one commune: the total is the commune itself.
        assert_eq!(last(&column(&[&[3]])), [Small, Hidden]);
    }

    #[test]
    fn a_quarter_s_own_small_count_is_hidden_too() {
        // Q1 12 and 20; Q2 14 and 20: the first commune's 2 of the second quarter.
        let cells = suppress(&column(&[&[12, 20, 9], &[14, 20, 9]]));
        assert_eq!(cells[0][0], [Number(12), Number(20), Number(9), Number(41)]);
        assert_eq!(cells[1][0][0], Hidden);
        assert_eq!(
            cells[1][0].iter().filter(|c| !c.is_shown()).count(),
            2,
            "{:?}",
            cells[1][0]
        );
        // Q3 compares with Q1, the last shown: 12 to 19 and 9 to 16 are 7 more, shown.
        let cells = suppress(&column(&[&[12, 20, 9], &[14, 20, 16], &[19, 20, 16]]));
        assert_eq!(cells[1][0], [Hidden, Number(20), Hidden, Number(50)]);
        assert!(
            cells[2][0].iter().all(|c| c.is_shown()),
            "{:?}",
            cells[2][0]
        );
    }

    #[test]
    fn a_figure_between_its_quarters_is_not_given_away() {
        // The partner of Q2's `<5` stays 9 all year: shown in Q1 and Q3, it would be 9 in Q2.
        let cells = suppress(&column(&[&[0, 9, 30], &[3, 9, 30], &[3, 9, 30]]));
        assert_eq!(cells[1][0][..2], [Small, Hidden]);
        assert!(!cells[2][0][1].is_shown(), "{:?}", cells[2][0]);
    }

    fn percent(numerator: i64, denominator: i64) -> Figure {
        let target = Target {
            op: Op::AtLeast,
            value: 60.0,
        };
        figure(Unit::Percent, numerator, denominator, Some(target))
    }

    #[test]
    fn a_hidden_part_hides_the_percentage_and_status_and_travels_as_no_data() {
        let mut sent = percent(3, 10);
        let parts = hide_parts(&mut sent, Small, Number(10)).unwrap();
        assert_eq!((sent.numerator, sent.denominator), (0, 10));
        assert_eq!((sent.value, sent.status), (None, Status::NoData));
        assert_eq!(
            serde_json::to_value(parts).unwrap(),
            serde_json::json!({"numerator": "small"})
        );
        let shown = received(&sent, Some(&parts));
        assert_eq!((shown.numerator, shown.denominator), (Small, Number(10)));
        assert_eq!((shown.value, shown.status), (ShownValue::Hidden, None));
        let mut kept = percent(9, 12);
        assert_eq!(hide_parts(&mut kept, Number(9), Number(12)), None);
        assert_eq!(received(&kept, None).value, ShownValue::Value(75.0));
        assert_eq!(received(&kept, None).status, Some(Status::Met));
        let empty = received(&percent(0, 0), None);
        assert_eq!(
            (empty.value, empty.status),
            (ShownValue::NoData, Some(Status::NoData))
        );
    }

    #[test]
    fn the_counts_of_the_rule_have_one_name_in_both_places() {
        assert_eq!(indicator_measures("PCMD-TT01"), None);
        assert_eq!(
            indicator_measures("PCMD-TG01").unwrap(),
            ["PCMD-C05/handled_in_time", "PCMD-C05/received"]
        );
        assert_eq!(
            indicator_measures("PCMD-TT03").unwrap()[1],
            "PCMD-C02/workers"
        );
        assert_eq!(count_measure("PCMD-C04", "fines_vnd"), None);
        assert!(counts_people("PCMD-KT01") && !counts_people("PCMD-MH01"));
        let mut measures: Vec<String> = BusinessType::ALL
            .iter()
            .map(|kind| format!("PCMD-C01/{}", kind.as_str()))
            .collect();
        measures.push("PCMD-KT01/denominator".into());
        measures.push("PCMD-HT01/numerator".into());
        let sheet = Sheet::new(measures, 0, Vec::new(), Vec::new());
        assert_eq!(sheet.sums, [(7, (0..7).collect())]);
        assert!(sheet.at_most.is_empty(), "HT01's denominator is not there");
        assert_eq!(sheet.blocks().len(), 2);
    }

    #[test]
    fn a_small_business_type_is_not_the_register_less_the_others() {
        // Two communes, karaoke and hotel (the other types 0), their register: 3 + 10 and 6 + 9.
        let types = BusinessType::ALL.len();
        let mut measures: Vec<String> = BusinessType::ALL
            .iter()
            .map(|kind| format!("PCMD-C01/{}", kind.as_str()))
            .collect();
        measures.push("PCMD-KT01/denominator".into());
        let (karaoke, hotel) = (
            BusinessType::ALL
                .iter()
                .position(|k| k.as_str() == "karaoke")
                .unwrap(),
            BusinessType::ALL
                .iter()
                .position(|k| k.as_str() == "hotel")
                .unwrap(),
        );
        let mut quarter = vec![vec![0; 3]; types + 1];
        quarter[karaoke] = vec![3, 6, 9];
        quarter[hotel] = vec![10, 9, 19];
        quarter[types] = vec![13, 15, 28];
        let sheet = Sheet::new(measures, 2, vec![vec![0, 1]], vec![quarter]);
        let cells = &suppress(&sheet)[0];
        assert_eq!(cells[karaoke][0], Small);
        // The register of the first commune less its hotels would give the karaoke bars back.
        let row_shown = cells[hotel][0].is_shown() && cells[types][0].is_shown();
        assert!(!row_shown, "{cells:?}");
    }
}

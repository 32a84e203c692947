//! What the phones report of their waiting records (`POST /api/v1/sync/report`), and what the
//! admin learns from it (`GET /api/v1/admin/devices`): records that waited 7 days without
//! arriving, and phones that came back empty although records were waiting on them (their data
//! wiped, or the officer moved to another phone). A report never loses or changes a record; it
//! only lets a loss be seen the same week.

use domain::api::DeviceProblem;
use domain::Date;

/// How long a phone's records may wait, by the server's clock, before the admin is told.
pub const NOT_ARRIVED_AFTER_MS: i64 = 7 * 24 * 3_600_000;

/// One officer's phone as the store keeps it (migration 0017); times are epoch milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceRow {
    pub officer_id: String,
    pub device_id: String,
    pub first_seen_at: i64,
    pub reported_at: i64,
    pub waiting: i64,
    pub oldest_waiting_on: Option<String>,
    pub persistent: Option<bool>,
    /// The first report of the current run of reports with records waiting.
    pub waiting_since: Option<i64>,
    /// Records that arrived from the device since its last report (the sync path counts them).
    pub received: i64,
    /// Waiting records that left the phone without arriving, and when that was seen.
    pub missing: i64,
    pub emptied_at: Option<i64>,
    pub handled_at: Option<i64>,
}

/// A phone's report, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub officer_id: String,
    pub device_id: String,
    pub waiting: i64,
    pub oldest_waiting_on: Option<Date>,
    pub persistent: Option<bool>,
}

/// The device's row after `report` at `now`, from the row before (none: its first report).
/// Waiting records leave the phone only with the server's answer, so the waiting count falls by
/// at most what arrived since the last report; what falls further left the phone unsent.
pub fn reported(before: Option<&DeviceRow>, report: &Report, now: i64) -> DeviceRow {
    let waiting_since = |before: Option<i64>| (report.waiting > 0).then(|| before.unwrap_or(now));
    let mut row = DeviceRow {
        officer_id: report.officer_id.clone(),
        device_id: report.device_id.clone(),
        first_seen_at: now,
        reported_at: now,
        waiting: report.waiting,
        oldest_waiting_on: report.oldest_waiting_on.map(|day| day.to_string()),
        persistent: report.persistent,
        waiting_since: waiting_since(None),
        received: 0,
        missing: 0,
        emptied_at: None,
        handled_at: None,
    };
    let Some(before) = before else {
        return row;
    };
    row.first_seen_at = before.first_seen_at;
    row.waiting_since = waiting_since(before.waiting_since);
    row.handled_at = before.handled_at;
    (row.missing, row.emptied_at) = (before.missing, before.emptied_at);
    let vanished = before.waiting - report.waiting - before.received;
    if vanished > 0 {
        // A loss already dealt with is not added to the new one.
        let open = before.emptied_at > before.handled_at;
        row.missing = vanished + if open { before.missing } else { 0 };
        row.emptied_at = Some(now);
    }
    row
}

/// What is wrong with `device`, if anything, given the officer's other phones, at `now`: the
/// records it is about, and since when. A problem the admin marked as handled stays off the list
/// until a newer one.
pub fn problem(
    device: &DeviceRow,
    others: &[&DeviceRow],
    now: i64,
) -> Option<(DeviceProblem, i64, i64)> {
    let new = |since: i64| device.handled_at.is_none_or(|handled| since > handled);
    if let Some(emptied_at) = device
        .emptied_at
        .filter(|&at| device.missing > 0 && new(at))
    {
        return Some((DeviceProblem::CameBackEmpty, device.missing, emptied_at));
    }
    if device.waiting == 0 {
        return None;
    }
    // The officer's records were still waiting here when they signed in on a phone never seen
    // before (a wiped phone comes back as a new one) and this one has not reported since.
    let replaced = others
        .iter()
        .filter(|other| other.device_id != device.device_id)
        .map(|other| other.first_seen_at)
        .filter(|&first| first > device.reported_at)
        .min();
    if let Some(at) = replaced.filter(|&at| new(at)) {
        return Some((DeviceProblem::CameBackEmpty, device.waiting, at));
    }
    // The problem begins a week into the run: handled before that, it still comes.
    device
        .waiting_since
        .filter(|&since| now - since >= NOT_ARRIVED_AFTER_MS && new(since + NOT_ARRIVED_AFTER_MS))
        .map(|since| (DeviceProblem::NotArrived, device.waiting, since))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3_600_000;

    fn report(device: &str, waiting: i64) -> Report {
        Report {
            officer_id: "officer-1".into(),
            device_id: device.into(),
            waiting,
            oldest_waiting_on: None,
            persistent: Some(true),
        }
    }

    #[test]
    fn records_waiting_a_week_without_arriving_are_a_problem_until_they_arrive() {
        let first = reported(None, &report("a", 3), 0);
        assert_eq!(first.waiting_since, Some(0));
        assert_eq!(problem(&first, &[], 7 * DAY - 1), None);
        assert_eq!(
            problem(&first, &[], 7 * DAY),
            Some((DeviceProblem::NotArrived, 3, 0))
        );
        // Still waiting at the next report (a failed push): the run goes on from the first.
        let again = reported(Some(&first), &report("a", 4), 2 * DAY);
        assert_eq!(again.waiting_since, Some(0));
        assert_eq!(again.missing, 0);
        // They arrived: the next report has none waiting.
        let mut sent = again.clone();
        sent.received = 4;
        let after = reported(Some(&sent), &report("a", 0), 8 * DAY);
        assert_eq!(after.waiting_since, None);
        assert_eq!(after.missing, 0);
        assert_eq!(problem(&after, &[], 30 * DAY), None);
    }

    #[test]
    fn waiting_records_that_leave_the_phone_without_arriving_are_missing() {
        let had = reported(None, &report("a", 5), 0);
        let mut partly = had.clone();
        partly.received = 2;
        let empty = reported(Some(&partly), &report("a", 0), DAY);
        assert_eq!((empty.missing, empty.emptied_at), (3, Some(DAY)));
        assert_eq!(
            problem(&empty, &[], DAY),
            Some((DeviceProblem::CameBackEmpty, 3, DAY))
        );
        // Reports after the loss keep it, until the admin marks it handled.
        let later = reported(Some(&empty), &report("a", 0), 2 * DAY);
        assert_eq!(later.missing, 3);
        let mut handled = later.clone();
        handled.handled_at = Some(3 * DAY);
        assert_eq!(problem(&handled, &[], 4 * DAY), None);
        // A new loss after that is its own.
        let typed = reported(Some(&handled), &report("a", 2), 5 * DAY);
        let lost = reported(Some(&typed), &report("a", 0), 6 * DAY);
        assert_eq!(lost.missing, 2);
        assert_eq!(
            problem(&lost, &[], 6 * DAY),
            Some((DeviceProblem::CameBackEmpty, 2, 6 * DAY))
        );
    }

    #[test]
    fn records_still_waiting_a_week_after_a_handled_loss_are_a_problem_again() {
        let had = reported(None, &report("a", 5), 0);
        // Two leave the phone unsent on day 2; the admin deals with it on day 3.
        let mut lost = reported(Some(&had), &report("a", 3), 2 * DAY);
        assert_eq!(lost.missing, 2);
        lost.handled_at = Some(3 * DAY);
        assert_eq!(problem(&lost, &[], 4 * DAY), None);
        // The three left still wait a week after the first report.
        assert_eq!(
            problem(&lost, &[], 7 * DAY),
            Some((DeviceProblem::NotArrived, 3, 0))
        );
        // Handled after the week began, it stays off.
        lost.handled_at = Some(7 * DAY + 1);
        assert_eq!(problem(&lost, &[], 8 * DAY), None);
    }

    #[test]
    fn an_answer_lost_on_the_way_back_is_not_a_loss() {
        // The batch arrived, the answer did not: the phone still counts them as waiting.
        let mut had = reported(None, &report("a", 5), 0);
        had.received = 5;
        let next = reported(Some(&had), &report("a", 5), DAY);
        assert_eq!(next.missing, 0);
        assert_eq!(next.received, 0);
    }

    #[test]
    fn a_new_phone_of_the_officer_while_records_wait_on_the_old_one() {
        let old = reported(None, &report("old", 4), 0);
        let new = reported(None, &report("new", 0), DAY);
        assert_eq!(
            problem(&old, &[&old, &new], DAY),
            Some((DeviceProblem::CameBackEmpty, 4, DAY))
        );
        assert_eq!(problem(&new, &[&old, &new], DAY), None);
        // The old phone reports again: it was not wiped.
        let back = reported(Some(&old), &report("old", 4), 2 * DAY);
        assert_eq!(problem(&back, &[&back, &new], 3 * DAY), None);
        // A phone seen before the last report changes nothing.
        let before = reported(None, &report("other", 0), 0);
        let old = reported(None, &report("old", 4), DAY);
        assert_eq!(problem(&old, &[&before], 2 * DAY), None);
    }
}

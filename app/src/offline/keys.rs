//! Every name this app stores under in the phone's localStorage. Phones in the field keep their
//! data across versions, so these strings never change; a new item gets a new name here.

/// The language the officer chose (`vi` or `en`), readable while locked.
pub const LANG: &str = "pcmd.lang";
/// This phone's id, made once, sent with each sync for the server's records of who sent what.
pub const DEVICE: &str = "pcmd.device";
/// The officers who use this phone and their wrapped data keys (see `keyring`).
pub const OFFICERS: &str = "pcmd.officers";
/// The one officer of the app before several could share a phone; removed at the next sign-in.
pub const LEGACY_OFFICER: &str = "pcmd.officer";
/// The tip-off deadline of an earlier version, kept outside any outbox; removed at sign-in.
pub const LEGACY_TIP_OFF_DAYS: &str = "pcmd.settings.tip_off_deadline_days";

/// Set once the officer closed the dashboard's note on the figures whose counting changed (issue
/// 16), readable while locked: it says nothing about anyone.
pub const COUNTING_NOTE_CLOSED: &str = "pcmd.note.counting_changed";

/// The server's public key for exports of unsent records (the JSON of `ExportKey`), fetched at
/// sign-in; readable while locked: it is public.
pub const EXPORT_KEY: &str = "pcmd.export_key";

/// Everything of one officer's outbox starts with this (see `outbox`), encrypted while locked.
pub fn outbox_prefix(officer_id: &str) -> String {
    format!("pcmd.outbox.{officer_id}.")
}

/// One officer's last indicator figures, per period (see `figures`), encrypted while locked.
pub fn figures_prefix(officer_id: &str) -> String {
    format!("pcmd.indicators.{officer_id}.")
}

/// The figures of one period, under [`figures_prefix`].
pub fn figures(officer_id: &str, year: i32, quarter: u32) -> String {
    format!("{}{year}.{quarter}", figures_prefix(officer_id))
}

// The items of an outbox, each after its [`outbox_prefix`]:

/// Every record id with its one-letter state.
pub const OUTBOX_INDEX: &str = "index";
/// One record, followed by its id.
pub const OUTBOX_RECORD: &str = "rec.";
/// The units the officer may see, for choosing a commune offline.
pub const OUTBOX_UNITS: &str = "units";
/// Where pulling `GET /api/v1/records` goes on from.
pub const OUTBOX_CURSOR: &str = "cursor";
/// When the server last acknowledged a sync (ms since 1970).
pub const OUTBOX_SYNCED_AT: &str = "synced_at";
/// What the last sync that sent records sent and the server made of them, as JSON.
pub const OUTBOX_EXCHANGE: &str = "exchange";
/// The officer's server session token.
pub const OUTBOX_SESSION: &str = "session";
/// The settings as last fetched, as JSON.
pub const OUTBOX_SETTINGS: &str = "settings";
/// The agencies of the admin's list as last fetched, for the agency integration form offline.
pub const OUTBOX_AGENCIES: &str = "agencies";
/// Set once the outbox holds only what a phone keeps (`GET /api/v1/records?for=phone`): records
/// pulled before that, of colleagues and of past years, were removed once.
pub const OUTBOX_KEPT: &str = "kept";

#[cfg(test)]
mod tests {
    use super::*;

    /// The names phones already hold: changing one loses the officers' data.
    #[test]
    fn the_stored_names_never_change() {
        assert_eq!(
            [
                LANG,
                DEVICE,
                OFFICERS,
                LEGACY_OFFICER,
                LEGACY_TIP_OFF_DAYS,
                COUNTING_NOTE_CLOSED,
                EXPORT_KEY
            ],
            [
                "pcmd.lang",
                "pcmd.device",
                "pcmd.officers",
                "pcmd.officer",
                "pcmd.settings.tip_off_deadline_days",
                "pcmd.note.counting_changed",
                "pcmd.export_key"
            ]
        );
        assert_eq!(outbox_prefix("o-1"), "pcmd.outbox.o-1.");
        assert_eq!(figures("o-1", 2023, 2), "pcmd.indicators.o-1.2023.2");
        assert_eq!(
            [
                OUTBOX_INDEX,
                OUTBOX_RECORD,
                OUTBOX_UNITS,
                OUTBOX_CURSOR,
                OUTBOX_SYNCED_AT,
                OUTBOX_SESSION,
                OUTBOX_SETTINGS,
                OUTBOX_AGENCIES,
                OUTBOX_EXCHANGE,
                OUTBOX_KEPT
            ],
            [
                "index",
                "rec.",
                "units",
                "cursor",
                "synced_at",
                "session",
                "settings",
                "agencies",
                "exchange",
                "kept"
            ]
        );
    }
}

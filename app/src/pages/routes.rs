//! The app's one catalogue of pages: the router, the service worker's precache list (`ROUTES`),
//! the bottom navigation, the records list's "new record" buttons and every link to a form read
//! it. A kind of record is one [`KindForm`], made by the kind's own form file and listed in
//! `records::FORMS`.

use domain::RecordKind;
use leptos::prelude::*;
use leptos_router::ChooseView;
use std::future::Future;
use std::pin::Pin;

use super::records::{self, form::Fields, form::Line, FORMS};
use super::{
    AdminAuditPage, AdminPage, AdminTargetsPage, AdminUnitsPage, AdminUsersPage, DashboardPage,
    QuartersPage, ReportPrintPage, ServicePage, SettingsPage, SignInPage, SyncPage,
};
use crate::i18n::Key;

/// Everything the app knows about one kind of record beyond the domain: its form's page, the
/// fields of its `data`, and its line in the lists.
pub struct KindForm {
    pub kind: RecordKind,
    /// Where its form opens (`?id=` edits a record).
    pub path: &'static str,
    pub page: PageView,
    pub fields: Fields,
    /// Whether a district officer may record it for the district itself, not only a commune.
    pub district: bool,
    pub summary: fn(&mut Line),
}

pub fn form_of(kind: RecordKind) -> &'static KindForm {
    FORMS
        .iter()
        .find(|form| form.kind == kind)
        .expect("every kind has a form")
}

/// The page of a kind's form.
pub fn form_path(kind: RecordKind) -> &'static str {
    form_of(kind).path
}

pub const RECORDS: &str = "/";
pub const SYNC: &str = "/sync";
pub const INDICATORS: &str = "/indicators";
pub const PRINT: &str = "/indicators/print";
pub const QUARTERS: &str = "/quarters";
pub const SETTINGS: &str = "/settings";
pub const SIGN_IN: &str = "/signin";
pub const ADMIN: &str = "/admin";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_UNITS: &str = "/admin/units";
pub const ADMIN_TARGETS: &str = "/admin/targets";
pub const ADMIN_AUDIT: &str = "/admin/audit";
pub const SERVICE: &str = "/service";

/// A page's view as the router opens it. Built with `--split`, each page's code is a part of
/// the bundle of its own ([`lazy_page`]), fetched when the page first opens, so a first visit
/// downloads only the shell and the lock screen.
#[derive(Clone, Copy)]
pub struct PageView(pub fn() -> Pin<Box<dyn Future<Output = AnyView>>>);

impl ChooseView for PageView {
    async fn choose(self) -> AnyView {
        (self.0)().await
    }

    async fn preload(&self) {}
}

/// The [`PageView`] of a component, its code split off under `name`. A part that cannot be
/// fetched (offline before the service worker holds the build) shows [`super::PageMissing`]
/// instead of stopping the app.
macro_rules! lazy_page {
    ($name:ident, $page:expr) => {{
        #[cfg(feature = "hydrate")]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $name() -> Result<leptos::prelude::AnyView, leptos::wasm_split::SplitLoaderError> {
            Ok(leptos::prelude::IntoAny::into_any($page()))
        }
        #[cfg(not(feature = "hydrate"))]
        async fn $name() -> Result<leptos::prelude::AnyView, std::convert::Infallible> {
            Ok(leptos::prelude::IntoAny::into_any($page()))
        }
        $crate::pages::routes::PageView(|| {
            Box::pin(async {
                $name().await.unwrap_or_else(|_| {
                    leptos::prelude::IntoAny::into_any($crate::pages::PageMissing())
                })
            })
        })
    }};
}
pub(crate) use lazy_page;

/// A page other than a record's form.
pub struct Page {
    pub path: &'static str,
    pub view: PageView,
}

/// The records list first, as the precache list always had it.
const PAGES: [Page; 13] = [
    Page {
        path: RECORDS,
        view: lazy_page!(records_page, records::RecordsPage),
    },
    Page {
        path: SYNC,
        view: lazy_page!(sync_page, SyncPage),
    },
    Page {
        path: INDICATORS,
        view: lazy_page!(dashboard_page, DashboardPage),
    },
    Page {
        path: PRINT,
        view: lazy_page!(report_print_page, ReportPrintPage),
    },
    Page {
        path: QUARTERS,
        view: lazy_page!(quarters_page, QuartersPage),
    },
    Page {
        path: SETTINGS,
        view: lazy_page!(settings_page, SettingsPage),
    },
    Page {
        path: SIGN_IN,
        // In the main part already, with the lock screen.
        view: PageView(|| Box::pin(async { SignInPage().into_any() })),
    },
    Page {
        path: ADMIN,
        view: lazy_page!(admin_page, AdminPage),
    },
    Page {
        path: ADMIN_USERS,
        view: lazy_page!(admin_users_page, AdminUsersPage),
    },
    Page {
        path: ADMIN_UNITS,
        view: lazy_page!(admin_units_page, AdminUnitsPage),
    },
    Page {
        path: ADMIN_TARGETS,
        view: lazy_page!(admin_targets_page, AdminTargetsPage),
    },
    Page {
        path: ADMIN_AUDIT,
        view: lazy_page!(admin_audit_page, AdminAuditPage),
    },
    Page {
        path: SERVICE,
        view: lazy_page!(service_page, ServicePage),
    },
];

/// The tabs of the bottom navigation: page, icon, name.
pub const TABS: [(&str, &str, Key); 4] = [
    (RECORDS, "▤", Key::NavRecords),
    (SYNC, "⇅", Key::NavSync),
    (INDICATORS, "◔", Key::NavIndicators),
    (SETTINGS, "⚙", Key::NavSettings),
];

/// A receiving service's tabs: its page and the settings.
pub const SERVICE_TABS: [(&str, &str, Key); 2] = [
    (SERVICE, "✓", Key::NavService),
    (SETTINGS, "⚙", Key::NavSettings),
];

/// Every page with its view: the records list, the forms, then the others.
pub fn pages() -> impl Iterator<Item = (&'static str, PageView)> {
    let page = |page: &'static Page| (page.path, page.view);
    let form = |form: &'static KindForm| (form.path, form.page);
    PAGES[..1]
        .iter()
        .map(page)
        .chain(FORMS.iter().map(form))
        .chain(PAGES[1..].iter().map(page))
}

const PAGE_COUNT: usize = PAGES.len() + FORMS.len();

/// Every page's path, in the order of [`pages`], for the service worker to precache.
pub const ROUTES: &[&str] = &{
    let mut paths = [""; PAGE_COUNT];
    paths[0] = PAGES[0].path;
    let mut i = 0;
    while i < FORMS.len() {
        paths[1 + i] = FORMS[i].path;
        i += 1;
    }
    let mut i = 1;
    while i < PAGES.len() {
        paths[FORMS.len() + i] = PAGES[i].path;
        i += 1;
    }
    paths
};

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Coded;

    #[test]
    fn one_form_per_kind_in_order_and_one_path_per_page() {
        let kinds: Vec<RecordKind> = FORMS.iter().map(|form| form.kind).collect();
        assert_eq!(kinds, RecordKind::ALL.to_vec());
        let paths: Vec<&str> = pages().map(|(path, _)| path).collect();
        assert_eq!(paths, ROUTES);
        let mut unique = paths.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), paths.len());
        assert!(TABS.iter().all(|(tab, _, _)| paths.contains(tab)));
    }
}

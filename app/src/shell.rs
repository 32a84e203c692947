//! The document, the app frame (header, update banner, bottom navigation) and the routes.

use crate::auth::Auth;
use crate::i18n::{provide_i18n, tr, use_i18n, Key};
use crate::offline;
use crate::pages::routes::{self, pages, SERVICE_TABS, TABS};
use crate::pages::{Gate, NotFoundPage};
use crate::session;
use crate::state::{use_app_state, AppState};
use crate::sync::{use_sync, SyncEngine};
use leptos::children::ToChildren;
use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{
        Outlet, ParentRoute, ParentRouteProps, Route, RouteChildren, RouteProps, Router, Routes,
        RoutesProps, A,
    },
    path, PossibleRouteMatch, StaticSegment,
};
use std::sync::Arc;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="vi">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b5d3b" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n();
    let state = AppState::provide();
    let auth = Auth::provide();
    let engine = SyncEngine::provide(auth, state, i18n);

    // Browser state is read only after hydration, so the first render equals the server's.
    let owner = Owner::current().expect("the app runs under its root owner");
    offline::after_hydration(move || {
        owner.with(|| {
            if let Some(lang) = offline::load_lang() {
                i18n.lang.set(lang);
            }
            state.online.set(offline::is_online());
            offline::on_connectivity_change(move |online| state.online.set(online));
            offline::register_service_worker(move || state.update_ready.set(true));
            offline::on_install_offer(move |offer| state.install_offered.set(offer));
            engine.start();
            auth.load();
        })
    });
    Effect::new(move |_| offline::set_document_lang(i18n.lang.get()));
    // Whoever signs in sees their own waiting count; their communes are fetched for offline use.
    let officer_id = Memo::new(move |_| auth.officer.with(|o| o.as_ref().map(|o| o.id.clone())));
    // `get`, not `track`: tracking a memo does not compute it, so it would never change.
    Effect::new(move |_| {
        officer_id.get();
        session::officer_changed(auth.officer.get_untracked());
    });

    view! {
        <Title text=tr(Key::AppName) />
        <Router>
            <Header />
            <UpdateBanner />
            <ExpiredBanner />
            <ClosedUnitBanner />
            <main class="page">
                <PageRoutes />
            </main>
            <Show when=move || auth.officer.with(Option::is_some) && !auth.needs_pin.get()>
                <BottomNav />
            </Show>
        </Router>
    }
}

/// Every page, once an officer's records are open; the lock screen until then.
#[component]
fn Unlocked() -> impl IntoView {
    let auth = crate::auth::use_auth();
    let open = move || auth.officer.with(Option::is_some) && !auth.needs_pin.get();
    view! {
        <Show when=open fallback=|| view! { <Gate /> }>
            <Outlet />
        </Show>
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = use_app_state();
    let engine = use_sync();
    let auth = crate::auth::use_auth();
    // Progress only while records go up, not while a sync only pulls.
    let sending = move || engine.running.get() && engine.progress.get().1 != 0;
    // Nothing about whose phone it is while it is locked.
    let place = move || {
        auth.officer
            .with(|o| o.as_ref().map(|o| o.org_unit.name.clone()))
    };
    view! {
        <header class="top">
            <div class="brand">
                <span class="name">{tr(Key::AppName)}</span>
                <span class="place" data-testid="place">{place}</span>
            </div>
            <A href=routes::SYNC attr:class="sync-state" attr:data-testid="sync-state">
                <span class="dot" class:offline=move || !state.online.get()></span>
                <span class="count" data-testid="waiting-count">{move || state.waiting().get()}</span>
                <span class="label">{tr(Key::Waiting)}</span>
                <Show when=sending>
                    <span class="progress" data-testid="sync-progress">
                        {move || {
                            let (done, total) = engine.progress.get();
                            format!("⇅ {done}/{total}")
                        }}
                    </span>
                </Show>
            </A>
        </header>
    }
}

#[component]
fn UpdateBanner() -> impl IntoView {
    let state = use_app_state();
    view! {
        <Show when=move || state.update_ready.get()>
            <div class="banner" role="status">
                <span>{tr(Key::UpdateReady)}</span>
                <button class="button" on:click=|_| offline::apply_update()>
                    {tr(Key::UpdateReload)}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn ExpiredBanner() -> impl IntoView {
    let auth = crate::auth::use_auth();
    view! {
        <Show when=move || auth.expired.get()>
            <div class="banner" role="alert">
                <span>{tr(Key::SessionExpired)}</span>
                <A href=routes::SIGN_IN attr:class="button">{tr(Key::SignInAgain)}</A>
            </div>
        </Show>
    }
}

/// An officer whose unit closed (the communes merged on 1 July 2025) is told so on every page,
/// with the unit that replaced it.
#[component]
fn ClosedUnitBanner() -> impl IntoView {
    let auth = crate::auth::use_auth();
    let i18n = use_i18n();
    let closed = move || {
        let unit = auth.officer.get()?.org_unit;
        let last_day: domain::Date = unit.valid_to.as_deref()?.parse().ok()?;
        (last_day < offline::clock::today()).then_some((unit, last_day))
    };
    move || {
        closed().map(|(unit, last_day)| {
            let successors = unit
                .successors
                .iter()
                .map(|s| format!("{} ({})", s.name, s.code))
                .collect::<Vec<_>>()
                .join(", ");
            let closed = i18n
                .t(Key::UnitClosed)
                .replace("{unit}", &unit.name)
                .replace("{date}", &last_day.format_vn());
            let next = if successors.is_empty() {
                i18n.t(Key::UnitNoSuccessor).to_string()
            } else {
                i18n.t(Key::UnitSuccessors).replace("{units}", &successors)
            };
            view! {
                <div class="banner" role="status" data-testid="unit-closed">
                    <span>{closed}" "{next}</span>
                </div>
            }
        })
    }
}

#[component]
fn BottomNav() -> impl IntoView {
    let item = |href: &'static str, icon: &'static str, key: Key| {
        view! {
            <A href=href attr:class="tab">
                <span class="icon" aria-hidden="true">{icon}</span>
                <span>{tr(key)}</span>
            </A>
        }
    };
    let auth = crate::auth::use_auth();
    // A receiving service has its page and the settings; officers the records' tabs.
    let tabs = move || {
        let service = auth.officer.with(|o| {
            o.as_ref()
                .is_some_and(|o| o.role == crate::api::Role::ServiceProvider)
        });
        let tabs: &[(&'static str, &'static str, Key)] =
            if service { &SERVICE_TABS } else { &TABS };
        tabs.iter()
            .map(|&(href, icon, key)| item(href, icon, key))
            .collect_view()
    };
    view! { <nav class="tabs">{tabs}</nav> }
}

/// Locked, every page is the lock screen; unlocked, the page asked for opens. Written without
/// `view!`, which cannot take a list of routes.
#[component]
fn PageRoutes() -> impl IntoView {
    let page = |(path, view)| {
        Route(
            RouteProps::builder()
                .path(segments(path))
                .view(view)
                .build(),
        )
    };
    let every_page = move || StaticVec::from(pages().map(page).collect::<Vec<_>>());
    let unlocked = move || {
        ParentRoute(
            ParentRouteProps::builder()
                .path(path!(""))
                .view(Unlocked)
                .children(RouteChildren::to_children(every_page))
                .build(),
        )
    };
    Routes(
        RoutesProps::builder()
            .fallback(|| view! { <NotFoundPage /> })
            .children(RouteChildren::to_children(unlocked))
            .build(),
    )
}

/// A page's path as the router matches it: `/records/session` as the segments `records` and
/// `session`, as `path!` would make them.
fn segments(path: &'static str) -> Arc<dyn PossibleRouteMatch + Send + Sync> {
    let parts: Vec<&'static str> = path.split('/').filter(|part| !part.is_empty()).collect();
    match parts[..] {
        [] => Arc::new(()),
        [page] => Arc::new((StaticSegment(page),)),
        [section, page] => Arc::new((StaticSegment(section), StaticSegment(page))),
        _ => unreachable!("no page is deeper than two segments: {path}"),
    }
}

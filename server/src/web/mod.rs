//! The HTTP server: the app's pages rendered by Leptos, static files, the service worker, the API,
//! and the layers every response passes through.

mod headers;
mod precompress;
mod service_worker;

pub use precompress::compress_missing;
pub use service_worker::{hash_file_path, ServiceWorker};

use crate::config::{Config, Security};
use crate::{api, store, ApiContext};
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Sync batches are at most 1 MiB (`API.md`); a little room for the envelope around them.
pub const BODY_LIMIT: usize = 1024 * 1024 + 4096;

pub async fn serve(config: Config, store: Arc<store::Store>) -> anyhow::Result<()> {
    let addr = config.leptos.site_addr;
    crate::retention::spawn(store.clone(), config.audit_retention_days);
    let ctx = context(store, config.leptos, config.security)?;
    let pkg = pkg_dir(&ctx.leptos);
    tokio::task::spawn_blocking(move || match precompress::compress_missing(&pkg) {
        Ok(written) => tracing::info!(written, "compressed bundle copies ready"),
        Err(error) => tracing::warn!(%error, "bundle served compressed on the fly"),
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, store = ctx.store.kind().as_str(), version = %ctx.service_worker.version, "listening");
    // The peer address feeds sign-in throttling and the audit log.
    axum::serve(
        listener,
        router(ctx).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

pub fn context(
    store: Arc<store::Store>,
    leptos: leptos::config::LeptosOptions,
    security: Security,
) -> anyhow::Result<ApiContext> {
    let service_worker = Arc::new(ServiceWorker::build(&leptos)?);
    Ok(ApiContext {
        store,
        leptos,
        service_worker,
        security,
        passwords: Arc::new(crate::password::Checks::for_this_machine()?),
    })
}

fn pkg_dir(options: &leptos::config::LeptosOptions) -> std::path::PathBuf {
    std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

pub fn router(ctx: ApiContext) -> Router {
    let routes = generate_route_list(App);
    let options = ctx.leptos.clone();
    Router::new()
        .route("/sw.js", get(service_worker_script))
        .nest_service("/pkg", precompress::service(&pkg_dir(&ctx.leptos)))
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(&ctx, routes, headers::provide_page_policy, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<ApiContext, _>(shell))
        .layer(middleware::from_fn_with_state(
            MainBundle(format!("/pkg/{}.", ctx.leptos.output_name).into()),
            cache_headers,
        ))
        .layer(middleware::from_fn_with_state(
            ctx.security,
            headers::security_headers,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(ctx)
}

async fn service_worker_script(State(ctx): State<ApiContext>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        ctx.service_worker.script.clone(),
    )
        .into_response()
}

/// The URL prefix of the bundle's main script and wasm.
#[derive(Clone)]
struct MainBundle(Arc<str>);

/// Hashed bundle files never change, except the main script and wasm: with a split bundle
/// cargo-leptos names them by a hash taken before it writes the loader's name into them, so a
/// later build can reuse a name with other bytes, and they are revalidated. Officers' records,
/// pulls and reports (every API answer) never stay in a browser's or a proxy's cache; everything
/// else is revalidated so updates arrive.
async fn cache_headers(
    State(MainBundle(main)): State<MainBundle>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let value = if path.starts_with("/pkg/") && !path.starts_with(&*main) {
        "public, max-age=31536000, immutable"
    } else if path.starts_with("/api/") {
        "no-store"
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

//! Who is asking and what they may do: the one policy point of the server.
//!
//! [`authenticate`] runs before every route. It finds the caller (a
//! session cookie, a machine token in `Authorization: Bearer …`, or the
//! public), looks the route up in [`POLICY`] (every route of the router has
//! a line: a route without one is refused, and a test enumerates the router
//! and the OpenAPI document against it), asks the core's policy
//! (`Principal::permits`) whether the caller may take the route's action,
//! checks that a state-changing request from a browser comes from this site
//! (the `Origin`, or `Referer`, must be this host: cross-site forgery), and
//! leaves the [`Caller`] and its [`Scope`] in the request for the handlers.
//!
//! Published results (scores and ranks as frozen when a period was
//! published) and the methodology are public; live figures are for
//! signed-in users; dossier records (explain lists, their CSV) are for
//! signed-in users whose grants cover the unit: a unit outside the scope
//! answers like a unit that does not exist.

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chiso_core::accounts::{Action, Principal, Session};
use chiso_core::scoring::{ScoreSheet, UnitScore};
use chiso_core::time::Instant;

use crate::error::{Error, PageError};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "chiso_session";

/// What each route does, for the policy: `(method, route, action)`.
/// `Action::ReadPublic` routes are open to everyone.
pub const POLICY: &[(Method, &str, Action)] = &[
    (Method::GET, "/", Action::ReadPublic),
    (Method::GET, "/units/{code}", Action::ReadPublic),
    (
        Method::GET,
        "/units/{code}/explain.csv",
        Action::ReadDossiers,
    ),
    (Method::GET, "/criteria/{id}", Action::ReadPublic),
    (Method::GET, "/methodology", Action::ReadPublic),
    (Method::GET, "/reconcile", Action::ReadPublic),
    (Method::GET, "/reports/download", Action::ReadPublic),
    (Method::GET, "/import", Action::Import),
    (Method::POST, "/import", Action::Import),
    // Administrative-reform reporting (pages/cchc.rs): read by the signed-in
    // users of the unit's subtree, filled by its officers, decided by the
    // approvers above it, exported by the office.
    (Method::GET, "/cchc", Action::ReadDossiers),
    (Method::GET, "/cchc/units/{code}", Action::ReadDossiers),
    (Method::POST, "/cchc/units/{code}", Action::FillForms),
    (
        Method::POST,
        "/cchc/units/{code}/decision",
        Action::ApproveForms,
    ),
    (
        Method::GET,
        "/cchc/units/{code}/consolidated",
        Action::ReadDossiers,
    ),
    (
        Method::GET,
        "/cchc/units/{code}/appendices",
        Action::Publish,
    ),
    (
        Method::GET,
        "/cchc/units/{code}/template",
        Action::FillForms,
    ),
    (Method::POST, "/cchc/units/{code}/upload", Action::FillForms),
    (Method::GET, "/cchc/units/{code}/plan", Action::ReadDossiers),
    (Method::POST, "/cchc/units/{code}/plan", Action::FillForms),
    (Method::GET, "/cchc/results", Action::ReadDossiers),
    (Method::GET, "/assets/{file}", Action::ReadPublic),
    (Method::GET, "/favicon.ico", Action::ReadPublic),
    (Method::GET, "/signin", Action::ReadPublic),
    (Method::POST, "/signin", Action::ReadPublic),
    (Method::POST, "/signout", Action::OwnAccount),
    (Method::GET, "/account", Action::OwnAccount),
    (Method::POST, "/account/password", Action::OwnAccount),
    (Method::GET, "/publications", Action::ReadPublic),
    (Method::POST, "/publications", Action::Publish),
    (Method::GET, "/audit", Action::ReadAudit),
    (Method::GET, "/audit.csv", Action::ReadAudit),
    // Alerts name dossiers about to become late: signed in, the units' scope
    // checked by the handlers (web/src/alerts.rs).
    (Method::GET, "/notifications", Action::ReadDossiers),
    (
        Method::GET,
        "/units/{code}/alerts.atom",
        Action::ReadDossiers,
    ),
    (Method::GET, "/healthz", Action::ReadPublic),
    (Method::GET, "/readyz", Action::ReadPublic),
    (Method::GET, "/metrics", Action::ReadPublic),
    (Method::GET, "/api/v1/health", Action::ReadPublic),
    (Method::GET, "/api/v1/units", Action::ReadPublic),
    (Method::GET, "/api/v1/methodologies", Action::ReadPublic),
    (Method::GET, "/api/v1/scores", Action::ReadPublic),
    (Method::GET, "/api/v1/ranking", Action::ReadPublic),
    (Method::GET, "/api/v1/explain", Action::ReadDossiers),
    (Method::GET, "/api/v1/reconcile", Action::ReadPublic),
    (Method::GET, "/api/v1/publications", Action::ReadPublic),
    (Method::POST, "/api/v1/publications", Action::Publish),
    (
        Method::GET,
        "/api/v1/units/{code}/at-risk",
        Action::ReadDossiers,
    ),
    (
        Method::GET,
        "/api/v1/units/{code}/what-if",
        Action::ReadDossiers,
    ),
    (Method::POST, "/api/v1/imports", Action::Import),
    (Method::POST, "/api/v1/events", Action::Feed),
    (Method::POST, "/api/v1/sync/DongBoHoSoMC", Action::Push),
    (
        Method::POST,
        "/api/v1/sync/CapNhatTienDoHoSoMC",
        Action::Push,
    ),
    (Method::GET, "/api/openapi.json", Action::ReadPublic),
];

/// The action a route takes, if the policy lists it (HEAD as GET).
pub fn action_of(method: &Method, route: &str) -> Option<Action> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    POLICY
        .iter()
        .find(|(m, r, _)| m == method && *r == route)
        .map(|(_, _, a)| *a)
}

/// The portal-style sync pushes, which `--allow-unauthenticated-sync` opens.
fn is_sync(route: &str) -> bool {
    route.starts_with("/api/v1/sync/")
}

/// Who made the request, as [`authenticate`] found it.
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Principal,
    /// The session, when signed in with a cookie (its anti-forgery token
    /// goes into forms).
    pub session: Option<Session>,
    /// The user's display name, when signed in.
    pub name: Option<String>,
    /// The client's address as seen by the server.
    pub from: String,
}

impl Caller {
    fn public(from: String) -> Caller {
        Caller {
            principal: Principal::Public,
            session: None,
            name: None,
            from,
        }
    }

    /// The anti-forgery token a form of this caller carries.
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// Whether a form's anti-forgery field matches the session's.
    pub fn csrf_matches(&self, field: Option<&str>) -> bool {
        match (&self.session, field) {
            (Some(s), Some(f)) => !s.csrf.is_empty() && s.csrf == f,
            // A token (no session) is not ambient: nothing to forge.
            (None, _) => matches!(self.principal, Principal::Token { .. }),
            (Some(_), None) => false,
        }
    }

    pub fn scope(&self) -> Scope {
        Scope {
            dossiers: self.principal.dossier_scope().map(Arc::from),
            published_only: matches!(self.principal, Principal::Public),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("yêu cầu chưa qua bước xác thực")))
    }
}

/// The units a request may see: every unit's aggregate results, and the
/// dossier records of the units below `dossiers`' roots (`None`: all); for
/// the public (`published_only`), only published results
/// (`chiso_core::publication`), never the live figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    dossiers: Option<Arc<[String]>>,
    published_only: bool,
}

impl Scope {
    /// Every unit, dossier records included (the command line, tests).
    pub fn all() -> Scope {
        Scope {
            dossiers: None,
            published_only: false,
        }
    }

    /// Whether only published results may be shown (the public).
    pub fn published_only(&self) -> bool {
        self.published_only
    }

    /// Whether the unit's aggregate results may be shown: always (they are public).
    pub fn permits(&self, _code: &str) -> bool {
        true
    }

    /// Whether the unit's dossier records may be shown: the unit is one of
    /// the scope's roots or below one (through the sheet's parents).
    pub fn sees_dossiers(&self, sheet: &ScoreSheet, code: &str) -> bool {
        let Some(roots) = &self.dossiers else {
            return true;
        };
        let mut at = Some(code);
        // A parent cycle cannot loop: at most one step per unit.
        for _ in 0..=sheet.units.len() {
            let Some(code) = at else {
                return false;
            };
            if roots.iter().any(|r| r == code) {
                return true;
            }
            at = sheet.unit(code).and_then(|u| u.parent.as_deref());
        }
        false
    }

    /// What distinguishes this scope's answers in a cache key.
    fn key(&self) -> String {
        match (&self.dossiers, self.published_only) {
            (_, true) => "published".to_string(),
            (None, false) => "all".to_string(),
            (Some(roots), false) => format!("dossiers:{}", roots.join(",")),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Scope {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Caller::from_request_parts(parts, state).await?.scope())
    }
}

/// The key of a cached response: the scope and the request's path and query.
pub fn cache_key(scope: &Scope, uri: &Uri) -> String {
    format!("{} {uri}", scope.key())
}

/// The scored unit a request names, if it exists in the period and the scope permits it.
pub fn resolve_unit<'a>(
    scope: &Scope,
    sheet: &'a ScoreSheet,
    code: &str,
) -> Result<&'a UnitScore, Error> {
    sheet
        .unit(code)
        .filter(|u| scope.permits(&u.code))
        .ok_or_else(|| Error::UnknownUnit(code.to_string()))
}

/// The scored unit a request names for its dossier records: as
/// [`resolve_unit`], and only inside the caller's dossier scope (outside
/// it, the unit answers as unknown).
pub fn resolve_dossier_unit<'a>(
    scope: &Scope,
    sheet: &'a ScoreSheet,
    code: &str,
) -> Result<&'a UnitScore, Error> {
    let unit = resolve_unit(scope, sheet, code)?;
    if !scope.sees_dossiers(sheet, &unit.code) {
        return Err(Error::UnknownUnit(code.to_string()));
    }
    Ok(unit)
}

/// The units of a sheet the scope permits, in the sheet's order.
pub fn visible<'a>(scope: &'a Scope, sheet: &'a ScoreSheet) -> impl Iterator<Item = &'a UnitScore> {
    sheet.units.iter().filter(move |u| scope.permits(&u.code))
}

/// A cookie's value in a request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Whether a state-changing request comes from this site: its `Origin` (or,
/// without one, its `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else {
        return false;
    };
    let rest = source
        .strip_prefix("https://")
        .or_else(|| source.strip_prefix("http://"))
        .unwrap_or("");
    let authority = rest.split('/').next().unwrap_or("");
    authority.eq_ignore_ascii_case(host)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The client's address: the peer of the connection (behind a reverse
/// proxy, the proxy's; see docs/operations.md).
fn client_address(request: &Request) -> String {
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "?".to_string(), |c| c.0.ip().to_string())
}

/// Finds the caller, applies the route's policy and the anti-forgery
/// check, and hands the request on with its [`Caller`].
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(route) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
    else {
        // No route: the fallback answers 404 or 405.
        let caller = Caller::public(client_address(&request));
        request.extensions_mut().insert(caller);
        return next.run(request).await;
    };
    let api = route.starts_with("/api/");
    let refuse = |e: Error| -> Response {
        if api {
            e.into_response()
        } else {
            PageError(e).into_response()
        }
    };
    let from = client_address(&request);
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let session = cookie(request.headers(), SESSION_COOKIE).map(str::to_string);
    let caller = match (bearer, session) {
        (Some(token), _) => {
            let now = now();
            let found = state
                .run(move |ctx| {
                    Ok(chiso_app::accounts::token_principal(
                        ctx.store(),
                        &token,
                        now,
                    )?)
                })
                .await;
            match found {
                Ok(Some(principal)) => Caller {
                    principal,
                    session: None,
                    name: None,
                    from,
                },
                Ok(None) => return refuse(Error::BadToken),
                Err(e) => return refuse(e),
            }
        }
        (None, Some(secret)) => {
            let now = now();
            let found = state
                .run(move |ctx| {
                    Ok(chiso_app::accounts::session_user(
                        ctx.store(),
                        &secret,
                        now,
                    )?)
                })
                .await;
            match found {
                Ok(Some((principal, session, user))) => Caller {
                    principal,
                    session: Some(session),
                    name: Some(user.name),
                    from,
                },
                // An expired or unknown session: the public.
                Ok(None) => Caller::public(from),
                Err(e) => return refuse(e),
            }
        }
        (None, None) => Caller::public(from),
    };
    let method = request.method().clone();
    let Some(action) = action_of(&method, &route) else {
        if POLICY.iter().any(|(_, r, _)| *r == route) {
            // A method the route does not take: the router answers 405.
            request.extensions_mut().insert(caller);
            return next.run(request).await;
        }
        tracing::error!(%route, %method, "đường dẫn không có trong chính sách truy cập");
        return refuse(Error::Forbidden);
    };
    let open_sync = is_sync(&route) && state.allow_sync;
    if !open_sync && !caller.principal.permits(action, None, |_, _| true) {
        if caller.principal.is_signed_in() {
            return refuse(Error::Forbidden);
        }
        if !api && is_safe(&method) {
            let next_page = request.uri().to_string();
            return Redirect::to(&format!(
                "/signin?next={}",
                crate::html::url_component(&next_page)
            ))
            .into_response();
        }
        return refuse(Error::Unauthenticated);
    }
    // Cross-site forgery: a browser sends its cookie with a form posted from
    // any site; only a request from this site may change anything.
    let by_token = matches!(caller.principal, Principal::Token { .. });
    if !is_safe(&method) && !by_token && !open_sync && !same_origin(request.headers()) {
        return refuse(Error::CrossSite);
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The headers every answer carries: what a page may load and run
/// (scripts and styles from this site only; inline `style` attributes for
/// the charts' colours), no framing by other sites, no MIME sniffing, no
/// full URLs in `Referer` to other sites.
pub async fn secure_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        headers.insert(name, header::HeaderValue::from_static(value));
    }
    response
}

/// The current instant, from the system clock.
pub fn now() -> Instant {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Instant::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_must_be_this_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "chiso.local:8080".parse().expect("header"));
        assert!(!same_origin(&h), "no origin at all");
        h.insert(
            header::ORIGIN,
            "http://chiso.local:8080".parse().expect("header"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            "https://evil.example".parse().expect("header"),
        );
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            "http://chiso.local:8080.evil.example"
                .parse()
                .expect("header"),
        );
        assert!(!same_origin(&h));
        h.remove(header::ORIGIN);
        h.insert(
            header::REFERER,
            "http://chiso.local:8080/import".parse().expect("header"),
        );
        assert!(same_origin(&h));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; chiso_session=abc; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}

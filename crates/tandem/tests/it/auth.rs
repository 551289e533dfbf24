//! Signing in, staying signed in, and the protections around both.

use crate::support::*;
use tandem_domain::Role;
use tandem_testkit::{TEST_PASSWORD, TestApp, create_account, dual_test};
use time::Duration;

async fn one_mentee(t: &tandem_testkit::TestContext) -> TestApp {
    let north = create_institution(&t.db, "north").await;
    create_account(
        &t.db,
        Some(&north),
        None,
        "ada@north",
        &[(Role::Mentee, None)],
    )
    .await;
    t.spawn_app().await
}

/// The session token a sign-in response sets.
fn session_token(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("tandem_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
        .expect("a session cookie")
}

async fn me_with(app: &TestApp, token: &str) -> reqwest::StatusCode {
    tandem_testkit::client()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("tandem_session={token}"))
        .send()
        .await
        .expect("request")
        .status()
}

/// The page without what legitimately differs: the CSRF token and the
/// username typed back into the form.
fn normalised(html: &str, username: &str) -> String {
    let without_user = html.replace(username, "USERNAME");
    match tandem_testkit::csrf_in(&without_user) {
        Some(token) => without_user.replace(&token, "TOKEN"),
        None => without_user,
    }
}

dual_test!(wrong_password_and_unknown_account_look_the_same, |t| {
    let app = one_mentee(&t).await;
    let mut timings = (Vec::new(), Vec::new());
    let mut pages = Vec::new();
    for round in 0..3 {
        let start = std::time::Instant::now();
        let (wrong, _) = app
            .try_sign_in("ada@north", "not the password at all")
            .await;
        timings.0.push(start.elapsed());
        let status_wrong = wrong.status();
        let body_wrong = normalised(&wrong.text().await.expect("body"), "ada@north");
        let start = std::time::Instant::now();
        let (unknown, _) = app
            .try_sign_in("nobody@north", "not the password at all")
            .await;
        timings.1.push(start.elapsed());
        let status_unknown = unknown.status();
        let body_unknown = normalised(&unknown.text().await.expect("body"), "nobody@north");
        assert_eq!(status_wrong, 401);
        assert_eq!(status_unknown, status_wrong);
        pages.push((body_wrong, body_unknown));
        // Stay under the per-address limit (6 a minute).
        if round < 2 {
            app.clock.advance(Duration::seconds(61));
        }
    }
    for (wrong, unknown) in &pages {
        assert_eq!(wrong, unknown, "the two failures must be indistinguishable");
        assert!(wrong.contains("The username or password is not right."));
    }
    // Both verify an Argon2id hash, so neither is much faster.
    let fastest_wrong = timings.0.iter().min().expect("timings");
    let fastest_unknown = timings.1.iter().min().expect("timings");
    assert!(
        fastest_unknown.as_secs_f64() > 0.3 * fastest_wrong.as_secs_f64(),
        "unknown {fastest_unknown:?} vs wrong password {fastest_wrong:?}"
    );
});

dual_test!(
    the_seventh_attempt_in_a_minute_from_one_address_gets_429,
    |t| {
        let app = one_mentee(&t).await;
        for i in 0..6 {
            let (r, _) = app
                .try_sign_in(&format!("guess{i}@north"), "wrong password here")
                .await;
            assert_eq!(r.status(), 401, "attempt {}", i + 1);
        }
        let (seventh, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
        assert_eq!(seventh.status(), 429, "even the right password waits");
        assert!(seventh.headers().contains_key("retry-after"));
        app.clock.advance(Duration::seconds(61));
        let (later, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
        assert_eq!(
            later.status(),
            303,
            "a minute later the address may try again"
        );
    }
);

dual_test!(repeated_failures_on_one_account_bring_growing_delays, |t| {
    let app = one_mentee(&t).await;
    for _ in 0..5 {
        let (r, _) = app.try_sign_in("ada@north", "wrong password here").await;
        assert_eq!(r.status(), 401);
        app.clock.advance(Duration::seconds(61));
    }
    // Five failures: the next try waits a second after the last failure.
    let (r, _) = app.try_sign_in("ADA@north", "wrong password here").await;
    assert_eq!(
        r.status(),
        401,
        "the fifth failure was a minute ago: allowed, and fails"
    );
    let (r, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    assert_eq!(r.status(), 429, "the sixth failure imposes a delay");
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&wait), "retry after {wait}");
    app.clock.advance(Duration::seconds(wait));
    let (r, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    assert_eq!(r.status(), 303, "after the delay the right password works");
});

dual_test!(sign_out_ends_the_session_for_good, |t| {
    let app = one_mentee(&t).await;
    let (response, client) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    let token = session_token(&response);
    assert_eq!(me_with(&app, &token).await, 200);
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("html");
    let csrf = tandem_testkit::csrf_in(&home).expect("csrf");
    let out = client
        .post(app.url("/sign-out"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), 303);
    assert_eq!(
        me_with(&app, &token).await,
        401,
        "the old cookie no longer works anywhere"
    );
    // A new sign-in gets a new token.
    let (again, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    assert_ne!(session_token(&again), token);
});

dual_test!(sessions_expire_when_idle_and_after_twelve_hours, |t| {
    let app = one_mentee(&t).await;
    let (response, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    let token = session_token(&response);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(me_with(&app, &token).await, 200, "29 idle minutes are fine");
    app.clock.advance(Duration::minutes(31));
    assert_eq!(me_with(&app, &token).await, 401, "31 idle minutes end it");

    // Used every 20 minutes, a session still ends 12 hours after sign-in.
    let (response, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
    let token = session_token(&response);
    for _ in 0..36 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(me_with(&app, &token).await, 200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        me_with(&app, &token).await,
        401,
        "12 h 20 min after sign-in"
    );
});

dual_test!(
    password_change_and_disabling_take_effect_on_the_next_request,
    |t| {
        let app = one_mentee(&t).await;
        let laptop = app.sign_in("ada@north", TEST_PASSWORD).await;
        let phone = app.sign_in("ada@north", TEST_PASSWORD).await;
        let new_password = "a much longer new password";
        let changed = laptop
            .post(
                "/settings/password",
                &[
                    ("current", TEST_PASSWORD),
                    ("new", new_password),
                    ("confirm", new_password),
                ],
            )
            .await;
        assert_eq!(changed.status(), 303);
        assert_eq!(
            phone.get("/api/v1/me").await.status(),
            401,
            "other sessions end"
        );
        assert_eq!(
            laptop.get("/api/v1/me").await.status(),
            200,
            "the changing browser carries on"
        );
        let (old, _) = app.try_sign_in("ada@north", TEST_PASSWORD).await;
        assert_eq!(old.status(), 401);

        let again = app.sign_in("ada@north", new_password).await;
        tandem_core::admin::set_disabled(
            &t.db,
            "ada@north",
            true,
            None,
            tandem_store::microsecond_now(),
        )
        .await
        .expect("disable");
        assert_eq!(
            again.get("/api/v1/me").await.status(),
            401,
            "a disabled account's session stops at once"
        );
        let (disabled, _) = app.try_sign_in("ada@north", new_password).await;
        assert_eq!(disabled.status(), 401);
    }
);

dual_test!(
    state_changing_requests_need_the_csrf_token_and_same_origin,
    |t| {
        let app = one_mentee(&t).await;
        let s = app.sign_in("ada@north", TEST_PASSWORD).await;
        let url = app.url("/settings/tokens");
        let missing = s
            .client
            .post(&url)
            .form(&[("name", "x")])
            .send()
            .await
            .expect("post");
        assert_eq!(missing.status(), 403);
        let wrong = s
            .client
            .post(&url)
            .form(&[("name", "x"), ("csrf", "forged")])
            .send()
            .await
            .expect("post");
        assert_eq!(wrong.status(), 403);
        let cross = s
            .client
            .post(&url)
            .header("origin", "https://evil.example")
            .form(&[("name", "x"), ("csrf", s.csrf.as_str())])
            .send()
            .await
            .expect("post");
        assert_eq!(
            cross.status(),
            403,
            "a cross-site origin is refused even with the token"
        );
        let signout = s
            .client
            .post(app.url("/sign-out"))
            .send()
            .await
            .expect("post");
        assert_eq!(signout.status(), 403);
        assert_eq!(
            s.get("/api/v1/me").await.status(),
            200,
            "the refused sign-out did nothing"
        );
        // Signing in needs the sign-in page's token too (login CSRF).
        let fresh = tandem_testkit::client();
        let blind = fresh
            .post(app.url("/sign-in"))
            .form(&[
                ("username", "ada@north"),
                ("password", TEST_PASSWORD),
                ("csrf", "guess"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(blind.status(), 403);
        let ok = s
            .post("/settings/tokens", &[("name", "reporting script")])
            .await;
        assert_eq!(
            ok.status(),
            200,
            "with the token and no foreign origin it works"
        );
    }
);

// Found by the API fuzzer (apifuzz/): a tokenless API write got the CSRF
// refusal (403), which tells a client it is forbidden rather than that it
// must authenticate. It is 401 with `WWW-Authenticate: Bearer`, like a
// tokenless read; a write carrying a session still needs its CSRF token.
dual_test!(
    an_api_write_without_credentials_is_unauthenticated_not_a_forgery,
    |t| {
        let app = one_mentee(&t).await;
        let anonymous = tandem_testkit::client();
        for (method, path) in [
            (reqwest::Method::POST, "/api/v1/me/requests"),
            (reqwest::Method::POST, "/api/v1/program"),
            (
                reqwest::Method::POST,
                "/api/v1/relationships/00000000-0000-0000-0000-000000000000/end",
            ),
            (reqwest::Method::GET, "/api/v1/me"),
        ] {
            for origin in [None, Some("https://evil.example")] {
                let mut request = anonymous
                    .request(method.clone(), app.url(path))
                    .json(&serde_json::json!({}));
                if let Some(origin) = origin {
                    request = request.header("origin", origin);
                }
                let response = request.send().await.expect("request");
                assert_eq!(response.status(), 401, "{method} {path} from {origin:?}");
                assert_eq!(
                    response
                        .headers()
                        .get("www-authenticate")
                        .and_then(|v| v.to_str().ok()),
                    Some("Bearer")
                );
                let body: serde_json::Value = response.json().await.expect("json");
                assert_eq!(body["error"]["code"], "unauthenticated");
            }
        }
        // A signed-in browser's API write without its CSRF token is still
        // refused as a forgery.
        let s = app.sign_in("ada@north", TEST_PASSWORD).await;
        let forged = s
            .client
            .post(app.url("/api/v1/me/requests/withdraw-pending"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status(), 403);
        let body: serde_json::Value = forged.json().await.expect("json");
        assert_eq!(body["error"]["code"], "csrf_rejected");
    }
);

dual_test!(api_tokens_are_shown_once_stored_hashed_and_revocable, |t| {
    let app = one_mentee(&t).await;
    let s = app.sign_in("ada@north", TEST_PASSWORD).await;
    let page = s
        .post("/settings/tokens", &[("name", "reporting script")])
        .await
        .text()
        .await
        .expect("html");
    let at = page.find("tdm_").expect("the new token is shown");
    let token: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let api = tandem_testkit::client();
    let me = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    let body: serde_json::Value = me.json().await.expect("json");
    assert_eq!(body["username"], "ada@north");
    assert_eq!(body["roles"], serde_json::json!(["mentee"]));
    let again = s.get("/settings").await.text().await.expect("html");
    assert!(!again.contains(&token), "shown once only");
    let stored: Vec<String> = tandem_store::on_pool!(&t.db, pool => sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(pool)
        .await
        .expect("tokens"));
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert!(!stored[0].contains(&token[4..]));
    let id_at = again.find("/settings/tokens/").expect("a revoke form") + "/settings/tokens/".len();
    let id: String = again[id_at..].chars().take_while(|c| *c != '/').collect();
    let revoked = s.post(&format!("/settings/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status(), 303);
    let me = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401);
});

dual_test!(every_response_carries_the_security_headers, |t| {
    let app = one_mentee(&t).await;
    let s = app.sign_in("ada@north", TEST_PASSWORD).await;
    let anonymous = tandem_testkit::client();
    let mut responses = Vec::new();
    for path in [
        "/sign-in",
        "/assets/tandem.css",
        "/healthz",
        "/api/openapi.json",
        "/no/such/page",
        "/api/v1/nothing",
        "/api/v1/me",
        "/",
    ] {
        responses.push((
            path,
            false,
            anonymous.get(app.url(path)).send().await.expect("get"),
        ));
    }
    for path in [
        "/",
        "/settings",
        "/api/v1/me",
        "/i/north/people",
        "/admin/audit",
    ] {
        responses.push((path, true, s.get(path).await));
    }
    for (path, signed_in, r) in responses {
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        if signed_in {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
        assert!(
            !h.contains_key("strict-transport-security"),
            "{path}: no HSTS over plain HTTP"
        );
    }
});

dual_test!(verify_audit_detects_an_edited_or_removed_entry, |t| {
    let app = one_mentee(&t).await;
    app.sign_in("ada@north", TEST_PASSWORD).await;
    app.try_sign_in("ada@north", "wrong password here").await;
    let ok = tandem(&t.url, &["admin", "verify-audit"]).await;
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("audit log intact"), "{}", stdout(&ok));

    // An attacker with database access first has to get past the trigger.
    let refused = tandem_store::on_pool!(&t.db, pool => sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2")
        .execute(pool)
        .await
        .map(|_| ()));
    assert!(refused.is_err(), "the audit log is append-only");
    let drop = match t.backend() {
        tandem_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        tandem_store::Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    tandem_store::on_pool!(&t.db, pool => sqlx::query(drop).execute(pool).await.map(|_| ()).expect("drop trigger"));
    tandem_store::on_pool!(&t.db, pool => sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2")
        .execute(pool)
        .await
        .map(|_| ())
        .expect("edit"));
    let tampered = tandem(&t.url, &["admin", "verify-audit"]).await;
    assert!(!tampered.status.success());
    assert!(
        stderr(&tampered).contains("entry 2 was altered"),
        "{}",
        stderr(&tampered)
    );
});

dual_test!(admin_commands_manage_accounts_and_roles, |t| {
    seed_small_roster(&t).await;
    let out = tandem(
        &t.url,
        &[
            "admin",
            "create-account",
            "lee@north",
            "--institution",
            "north",
            "--employee-id",
            "E1",
            "--role",
            "mentee",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let password = printed
        .lines()
        .find_map(|l| l.strip_prefix("temporary password: "))
        .expect("a generated password")
        .to_string();
    let app = t.spawn_app().await;
    let s = app.sign_in("lee@north", &password).await;
    let me: serde_json::Value = s.get("/api/v1/me").await.json().await.expect("json");
    assert_eq!(me["roles"], serde_json::json!(["mentee"]));

    let grant = tandem(
        &t.url,
        &[
            "admin",
            "grant-role",
            "lee@north",
            "unit_leader",
            "--unit",
            "Cardiology",
        ],
    )
    .await;
    assert!(grant.status.success(), "{}", stderr(&grant));
    let bad = tandem(&t.url, &["admin", "grant-role", "lee@north", "unit_leader"]).await;
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("expected a department or division"),
        "{}",
        stderr(&bad)
    );
    let unknown_unit = tandem(
        &t.url,
        &[
            "admin",
            "grant-role",
            "lee@north",
            "facilitator",
            "--unit",
            "Astrology",
        ],
    )
    .await;
    assert!(
        stderr(&unknown_unit).contains("no unit named \"Astrology\""),
        "{}",
        stderr(&unknown_unit)
    );
    let me: serde_json::Value = s.get("/api/v1/me").await.json().await.expect("json");
    assert_eq!(
        me["roles"],
        serde_json::json!(["mentee", "unit_leader"]),
        "roles apply on the next request"
    );

    let revoke = tandem(&t.url, &["admin", "revoke-role", "lee@north", "mentee"]).await;
    assert!(revoke.status.success(), "{}", stderr(&revoke));
    let reset = tandem(&t.url, &["admin", "reset-password", "lee@north"]).await;
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert_eq!(
        s.get("/api/v1/me").await.status(),
        401,
        "a reset ends the sessions"
    );
    let disable = tandem(&t.url, &["admin", "disable", "lee@north"]).await;
    assert!(disable.status.success());
    let (r, _) = app.try_sign_in("lee@north", &password).await;
    assert_eq!(r.status(), 401);
});

async fn seed_small_roster(t: &tandem_testkit::TestContext) {
    let north = create_institution(&t.db, "north").await;
    let csv = format!(
        "{HEADER}\nE1,Lee,Park,lee.park@x.org,Medicine,Cardiology,assistant professor,scientist,F,2020-01-01,,,,,,,,\n"
    );
    let records = tandem_core::roster::parse_roster(csv.as_bytes()).expect("valid");
    tandem_core::roster::import_roster(
        &t.db,
        &north,
        &records,
        tandem_store::microsecond_now(),
        &mut uuid::Uuid::new_v4,
        &tandem_core::roster::NoProgress,
    )
    .await
    .expect("import");
}

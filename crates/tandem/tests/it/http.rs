//! The JSON API, the OpenAPI document, the pages and the probes.

use serde_json::Value;
use tandem_core::demo::DEMO_PASSWORD;
use tandem_testkit::dual_test;

async fn seed_demo(db: &tandem_store::Db) {
    seed_demo_people(db).await;
    let hasher =
        tandem_core::auth::PasswordHasherPool::new(1, tandem_core::auth::HashingPriority::Normal)
            .expect("hasher");
    tandem_core::demo::seed_accounts(db, &hasher, tandem_store::microsecond_now())
        .await
        .expect("demo accounts");
}

async fn seed_demo_people(db: &tandem_store::Db) {
    tandem_core::demo::seed(
        db,
        2013,
        tandem_store::microsecond_now(),
        &tandem_core::roster::NoProgress,
    )
    .await
    .expect("demo seeds");
}

dual_test!(the_directory_api_filters_and_pages, |t| {
    seed_demo(&t.db).await;
    let app = t
        .spawn_app()
        .await
        .sign_in("admin@northshore", DEMO_PASSWORD)
        .await;

    let institutions: Value = app
        .get("/api/v1/institutions")
        .await
        .json()
        .await
        .expect("json");
    let slugs: Vec<&str> = institutions
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["slug"].as_str())
        .collect();
    assert_eq!(
        slugs,
        ["northshore"],
        "an institution's people see only their own institution"
    );

    let all: Value = app
        .get("/api/v1/institutions/northshore/people?per_page=200")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(all["total"], 450);
    assert_eq!(all["items"].as_array().expect("items").len(), 200);

    // Pages partition the whole list without overlap.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=3 {
        let body: Value = app
            .get(&format!(
                "/api/v1/institutions/northshore/people?per_page=200&page={page}"
            ))
            .await
            .json()
            .await
            .expect("json");
        for p in body["items"].as_array().expect("items") {
            assert!(
                seen.insert(p["id"].as_str().expect("id").to_string()),
                "a person appears twice"
            );
        }
    }
    assert_eq!(seen.len(), 450);

    let lecturers: Value = app
        .get("/api/v1/institutions/northshore/people?rank=Lecturer&per_page=200")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(lecturers["total"], 50, "Table 1: 11% of 450 are lecturers");
    assert!(
        lecturers["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["rank"] == "lecturer")
    );

    let divisions: Value = app
        .get("/api/v1/institutions/northshore/divisions")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(divisions.as_array().expect("array").len(), 17);
    let cardiology = divisions
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["name"] == "Cardiology")
        .expect("Cardiology");
    let cardio: Value = app
        .get(&format!(
            "/api/v1/institutions/northshore/people?division={}&stream=scientist&per_page=200",
            cardiology["id"].as_str().expect("id")
        ))
        .await
        .json()
        .await
        .expect("json");
    assert!(cardio["total"].as_i64().expect("total") > 0);
    assert!(
        cardio["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|p| p["division"] == "Cardiology" && p["stream"] == "scientist")
    );

    let text: Value = app
        .get("/api/v1/institutions/northshore/people?q=HEART%20failure")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        text["total"].as_i64().expect("total") > 0,
        "free text matches interests case-insensitively"
    );
    // LIKE wildcards in user text are matched literally.
    let wildcard: Value = app
        .get("/api/v1/institutions/northshore/people?q=%25")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(wildcard["total"], 0);
});

dual_test!(bad_filters_get_a_clear_400_and_unknowns_a_404, |t| {
    seed_demo(&t.db).await;
    let app = t
        .spawn_app()
        .await
        .sign_in("mentee@northshore", DEMO_PASSWORD)
        .await;
    for (query, field) in [
        ("rank=reader", "rank"),
        ("stream=x", "stream"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
        ("division=7", "division"),
    ] {
        let response = app
            .get(&format!("/api/v1/institutions/northshore/people?{query}"))
            .await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.expect("json error");
        assert_eq!(body["error"]["code"], "bad_request");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains(field),
            "{query}: {body}"
        );
    }
    for path in [
        "/api/v1/institutions/nowhere/people",
        "/api/v1/institutions/northshore/people/not-a-uuid",
        "/api/v1/institutions/northshore/people/00000000-0000-4000-8000-000000000000",
        "/api/v1/nothing-here",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.expect("json error");
        assert_eq!(body["error"]["code"], "not_found");
    }
});

dual_test!(a_profile_shows_its_reporting_line, |t| {
    seed_demo(&t.db).await;
    let app = t
        .spawn_app()
        .await
        .sign_in("mentee@bayview", DEMO_PASSWORD)
        .await;
    let list: Value = app
        .get("/api/v1/institutions/bayview/people?rank=assistant_professor&per_page=1")
        .await
        .json()
        .await
        .expect("json");
    let id = list["items"][0]["id"].as_str().expect("id").to_string();
    let person: Value = app
        .get(&format!("/api/v1/institutions/bayview/people/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(person["rank"], "assistant_professor");
    let supervisor = person["supervisor"]["id"]
        .as_str()
        .expect("every assistant professor reports to someone");
    let boss: Value = app
        .get(&format!("/api/v1/institutions/bayview/people/{supervisor}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(boss["leadership"], "division_director");
    assert_eq!(boss["division"]["name"], person["division"]["name"]);

    let page = app.get(&format!("/i/bayview/people/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(person["family_name"].as_str().expect("name")));
    assert!(html.contains("Reports to"));
    assert!(html.contains(boss["family_name"].as_str().expect("name")));
});

dual_test!(the_directory_pages_filter_and_page, |t| {
    seed_demo(&t.db).await;
    let app = t
        .spawn_app()
        .await
        .sign_in("mentee@northshore", DEMO_PASSWORD)
        .await;
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert_eq!(
        home.headers()["cache-control"],
        "no-store",
        "signed-in pages are not cached"
    );
    let html = home.text().await.expect("html");
    assert!(html.contains("Welcome, Claire Suzuki"), "{html}");
    assert!(html.contains("Northshore University"));
    assert!(
        !html.contains("Bayview University"),
        "another institution is invisible"
    );
    assert!(
        html.contains("/i/northshore/people"),
        "a mentee's navigation leads to the directory"
    );
    assert!(
        !html.contains("/admin/audit"),
        "a mentee's navigation has no administration"
    );

    let directory = app
        .get("/i/northshore/people")
        .await
        .text()
        .await
        .expect("html");
    assert!(directory.contains("Showing 1–50 of 450"), "{directory}");
    assert!(directory.contains("rel=\"next\""));
    let filtered = app
        .get("/i/northshore/people?rank=lecturer&q=")
        .await
        .text()
        .await
        .expect("html");
    assert!(filtered.contains("of 50"), "the rank filter applies");
    let bad = app.get("/i/northshore/people?rank=reader").await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("html").contains("invalid rank"));
    let refused = app.get("/admin/audit").await;
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Not allowed"), "{html}");
    assert!(
        html.contains("mentee@northshore") && html.contains("Sign out"),
        "an error page keeps the signed-in header"
    );
    let css = app.get("/assets/tandem.css").await;
    assert_eq!(css.status(), 200);
});

/// The OpenAPI document the app serves, parsed.
async fn openapi_document(app: &tandem_testkit::TestApp) -> Value {
    app.get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json")
}

dual_test!(the_openapi_document_covers_every_api_route, |t| {
    let app = t.spawn_app().await;
    let doc = openapi_document(&app).await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for expected in [
        "/api/v1/institutions",
        "/api/v1/institutions/{slug}",
        "/api/v1/institutions/{slug}/departments",
        "/api/v1/institutions/{slug}/divisions",
        "/api/v1/institutions/{slug}/people",
        "/api/v1/institutions/{slug}/people/{id}",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
});

// Found by the API fuzzer (apifuzz/), which holds every answer to the
// document: operations did not document the guard's 401 and the policy's
// 403, a list was documented as an object, and identifiers in paths were
// any string.
dual_test!(the_openapi_document_says_what_the_server_answers, |t| {
    let app = t.spawn_app().await;
    let doc = openapi_document(&app).await;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            operations += 1;
            for status in ["401", "403"] {
                assert_eq!(
                    operation["responses"][status]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} documents {status} as an ErrorBody"
                );
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "path" && parameter["name"] == "id" {
                    assert_eq!(
                        parameter["schema"]["format"], "uuid",
                        "{method} {path}: its id is a UUID"
                    );
                }
            }
        }
    }
    assert!(operations >= 50, "{operations} operations");
    assert_eq!(
        doc["paths"]["/api/v1/program/instruments"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["type"],
        "array"
    );
    // What the guard answers matches: a call without credentials is 401.
    let anonymous = tandem_testkit::client()
        .post(app.url("/api/v1/program/instruments"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("post");
    assert_eq!(anonymous.status(), 401);
});

dual_test!(health_and_readiness, |t| {
    let app = t.spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    t.db.close().await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "alive while the process lives"
    );
    assert_eq!(
        app.get("/readyz").await.status(),
        503,
        "not ready without the database"
    );
});

/// A handler that panics costs only its own request: the client gets the
/// generic 500 in the shape it expects (JSON under /api/, the error page
/// elsewhere), nothing of the panic, the usual security headers, and the
/// server goes on serving, panics and all, at the same time.
#[tokio::test]
async fn a_panicking_handler_gets_a_generic_500_and_the_server_keeps_serving() {
    use axum::routing::get;
    async fn boom() -> &'static str {
        panic!("CANARYPANIC the database password is hunter2")
    }
    let app = tandem_web::harden(
        axum::Router::new()
            .route("/api/v1/boom", get(boom))
            .route("/boom", get(boom))
            .route("/ok", get(|| async { "ok" })),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = tandem_testkit::client();
    let url = |path: &str| format!("http://{address}{path}");

    let api = client.get(url("/api/v1/boom")).send().await.expect("get");
    assert_eq!(api.status(), 500);
    assert_eq!(
        api.headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    let body: Value = api.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], "internal");
    assert!(!body.to_string().contains("CANARYPANIC"));

    let page = client.get(url("/boom")).send().await.expect("get");
    assert_eq!(page.status(), 500);
    let html = page.text().await.expect("page");
    assert!(html.contains("Something went wrong"));
    assert!(!html.contains("CANARYPANIC") && !html.contains("hunter2"));

    // Twenty panics and twenty good requests at once: every good one
    // answers.
    let mut calls = Vec::new();
    for i in 0..40 {
        let path = if i % 2 == 0 { "/ok" } else { "/api/v1/boom" };
        calls.push(client.get(url(path)).send());
    }
    let mut ok = 0;
    for r in all_at_once(calls).await {
        match r.expect("an answer").status().as_u16() {
            200 => ok += 1,
            500 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(ok, 20);
}

/// Runs the futures concurrently, each in its own task.
async fn all_at_once<F>(calls: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = calls.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("the request task"));
    }
    out
}

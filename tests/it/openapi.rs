//! The OpenAPI document is a contract a client can code against without reading the source:
//! every operation documents its request body, its answers and its errors with schemas; every
//! documented example validates against its schema and is accepted by the real endpoint; and
//! what the endpoints really answer validates against what is documented (no undocumented
//! fields either).

use crate::common;

use common::{TestDb, TestInstance, call, get_json};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CHARTER: &str = "../shared/seed/charte-cces.md";

/// A validator for `schema` (which may `$ref` the document's components). With `closed`, the
/// top-level object (or each item of a top-level array) may hold no property the schema does
/// not name: `unevaluatedProperties` sees through `allOf` (flattened structs), unlike
/// `additionalProperties`.
fn validator(doc: &Value, schema: &Value, closed: bool) -> jsonschema::Validator {
    let resolved = resolve(doc, schema);
    let wrapped = if !closed {
        json!({"allOf": [schema]})
    } else if resolved.get("type") == Some(&json!("array")) {
        json!({"type": "array", "items": {"allOf": [resolved["items"]], "unevaluatedProperties": false}})
    } else {
        json!({"allOf": [schema], "unevaluatedProperties": false})
    };
    let mut root = wrapped;
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["components"] = doc["components"].clone();
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"))
}

/// Follows one `$ref` to `#/components/schemas/…`.
fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            doc["components"]["schemas"][name].clone()
        }
        None => schema.clone(),
    }
}

fn assert_valid(doc: &Value, schema: &Value, value: &Value, closed: bool, what: &str) {
    let v = validator(doc, schema, closed);
    let errors: Vec<String> = v.iter_errors(value).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {value} does not match {schema}: {errors:?}");
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                out.push((method.clone(), path.clone(), op.clone()));
            }
        }
    }
    out
}

fn json_schema(content_holder: &Value) -> Option<&Value> {
    content_holder.get("content")?.get("application/json")?.get("schema")
}

#[test]
fn every_operation_documents_bodies_answers_and_errors() {
    let doc = serde_json::to_value(<maillage::api::ApiDoc as utoipa::OpenApi>::openapi()).expect("json");
    let ops = operations(&doc);
    assert!(ops.len() >= 17, "{} operations", ops.len());
    let error_ref = json!({"$ref": "#/components/schemas/ErrorDto"});
    let mut problems = vec![];
    for (method, path, op) in &ops {
        let responses = op["responses"].as_object().expect("responses");
        let name = format!("{} {path}", method.to_uppercase());
        if !responses.keys().any(|s| s.starts_with('2')) {
            problems.push(format!("{name}: no success answer"));
        }
        if !responses.keys().any(|s| s.starts_with('4') || s.starts_with('5')) {
            problems.push(format!("{name}: no error answer"));
        }
        for (status, r) in responses {
            if r.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                problems.push(format!("{name} {status}: no description"));
            }
            if status.starts_with('4') || status.starts_with('5') {
                if json_schema(r) != Some(&error_ref) {
                    problems.push(format!("{name} {status}: error without the ErrorDto schema"));
                }
            } else if status != "204" && json_schema(r).is_none() {
                problems.push(format!("{name} {status}: answer without a schema"));
            }
        }
        if op.get("security").is_some() {
            for s in ["401", "403"] {
                if !responses.contains_key(s) {
                    problems.push(format!("{name}: authenticated but {s} undocumented"));
                }
            }
        }
        if let Some(body) = op.get("requestBody") {
            match json_schema(body) {
                Some(schema) if resolve(&doc, schema).get("example").is_some() => {}
                _ => problems.push(format!("{name}: request body without a schema that has an example")),
            }
            if !responses.contains_key("400") {
                problems.push(format!("{name}: takes JSON but 400 undocumented"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    // Every example validates against its own schema.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut examples = 0;
    for (name, schema) in schemas {
        if let Some(example) = schema.get("example") {
            assert_valid(&doc, &json!({"$ref": format!("#/components/schemas/{name}")}), example, true, name);
            examples += 1;
        }
    }
    assert!(examples >= 5, "{examples} examples");
}

#[test]
fn the_checks_catch_a_wrong_example() {
    // The validator must not accept anything: a mistyped example is refused.
    let doc = serde_json::to_value(<maillage::api::ApiDoc as utoipa::OpenApi>::openapi()).expect("json");
    let schema = json!({"$ref": "#/components/schemas/PracticeInput"});
    assert!(validator(&doc, &schema, true).is_valid(&json!({"title": "x", "latitude": 47.6})));
    assert!(!validator(&doc, &schema, true).is_valid(&json!({"title": 3})));
    assert!(!validator(&doc, &schema, true).is_valid(&json!({"title": "x", "colour": "red"})));
    let list = json!({"type": "array", "items": {"$ref": "#/components/schemas/ErrorDto"}});
    assert!(!validator(&doc, &list, true).is_valid(&json!([{"error": "x", "message": "y", "extra": 1}])));
}

/// The schema documented for `status` of `method path`.
fn response_schema(doc: &Value, method: &str, path: &str, status: StatusCode) -> Value {
    let r = &doc["paths"][path][method]["responses"][status.as_str()];
    assert!(r.is_object(), "{method} {path} answered {status}, which is not documented");
    json_schema(r).cloned().unwrap_or(Value::Null)
}

fn request_example(doc: &Value, method: &str, path: &str) -> Value {
    let schema = json_schema(&doc["paths"][path][method]["requestBody"]).expect("request schema");
    resolve(doc, schema)["example"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_answers_match_the_document_and_examples_are_accepted() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let charter = std::fs::read_to_string(CHARTER).expect("charter");
    import_charter(&m.data, "territoire", &charter, "2024", "test").await.expect("charter");
    let admin = m.token(Role::Admin).await;
    let doc = get_json(&m.url("/api/v1/openapi.json")).await;
    let base = m.url("");
    // (method, documented path, real path, token, body: the documented example, or a given one)
    let example = |method: &str, path: &str| request_example(&doc, method, path);
    let mut checked = 0;
    let mut check = async |method: Method, path: &str, real: &str, token: Option<&str>, body: Option<Value>| {
        let (status, answer) = call(method.clone(), format!("{base}{real}"), token, body).await;
        let m_lower = method.as_str().to_lowercase();
        let schema = response_schema(&doc, &m_lower, path, status);
        if status != StatusCode::NO_CONTENT {
            assert_valid(&doc, &schema, &answer, true, &format!("{method} {real} → {status}"));
        }
        checked += 1;
        (status, answer)
    };

    let (s, _) = check(Method::GET, "/api/v1/territories", "/api/v1/territories", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let patch = example("patch", "/api/v1/territories/{slug}");
    let (s, t) =
        check(Method::PATCH, "/api/v1/territories/{slug}", "/api/v1/territories/territoire", Some(&admin), Some(patch))
            .await;
    assert_eq!((s, t["name"].as_str()), (StatusCode::OK, Some("Pays de Redon")));
    let (s, _) = check(Method::GET, "/api/v1/territories/{slug}", "/api/v1/territories/nowhere", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A practice from the documented example: created, published, read back, listed.
    let input = example("post", "/api/v1/practices");
    let (s, created) =
        check(Method::POST, "/api/v1/practices", "/api/v1/practices", Some(&admin), Some(input.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, e) = check(Method::POST, "/api/v1/practices", "/api/v1/practices", Some(&admin), Some(json!({}))).await;
    assert_eq!((s, e["fields"]["title"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{e}");
    let one = format!("/api/v1/practices/{id}");
    let patch = example("patch", "/api/v1/practices/{id}");
    let (s, _) = check(Method::PATCH, "/api/v1/practices/{id}", &one, Some(&admin), Some(patch)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) =
        check(Method::POST, "/api/v1/practices/{id}/publish", &format!("{one}/publish"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, p) = check(Method::GET, "/api/v1/practices/{id}", &one, None, None).await;
    assert_eq!((s, p["title"].as_str()), (StatusCode::OK, input["title"].as_str()));
    assert!(p.get("revisions").is_none(), "history is for moderators");
    let (s, p) = check(Method::GET, "/api/v1/practices/{id}", &one, Some(&admin), None).await;
    assert_eq!((s, p["revisions"].as_array().map(|r| !r.is_empty())), (StatusCode::OK, Some(true)));
    let (s, list) = check(Method::GET, "/api/v1/practices", "/api/v1/practices?q=producteurs", None, None).await;
    assert_eq!((s, list[0]["id"].as_i64()), (StatusCode::OK, Some(id)));
    let (s, _) = check(Method::GET, "/api/v1/practices/{id}", "/api/v1/practices/999999", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A signature from the documented example, approved, then listed in the directory.
    let sig = example("post", "/api/v1/signatures");
    let (s, answer) = check(Method::POST, "/api/v1/signatures", "/api/v1/signatures", None, Some(sig)).await;
    assert!(s.is_success(), "{s} {answer}");
    let (s, e) =
        check(Method::POST, "/api/v1/signatures", "/api/v1/signatures", None, Some(json!({"kind": "x"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = check(Method::GET, "/api/v1/signatories", "/api/v1/signatories", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) =
        check(Method::POST, "/api/v1/signatures/{id}/reject", "/api/v1/signatures/999999/reject", Some(&admin), {
            Some(example("post", "/api/v1/signatures/{id}/reject"))
        })
        .await;
    assert!(s.is_client_error(), "{s}");

    // Followers: the documented example names an actor nobody follows with: a documented 404.
    let approve = example("post", "/api/v1/territories/{slug}/followers/approve");
    let (s, _) = check(
        Method::POST,
        "/api/v1/territories/{slug}/followers/approve",
        "/api/v1/territories/territoire/followers/approve",
        Some(&admin),
        Some(approve),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = check(
        Method::GET,
        "/api/v1/territories/{slug}/followers",
        "/api/v1/territories/territoire/followers",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = check(
        Method::GET,
        "/api/v1/territories/{slug}/following",
        "/api/v1/territories/territoire/following",
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = check(Method::DELETE, "/api/v1/practices/{id}", &one, Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // An action from the documented example: created, edited, published, read, listed,
    // cancelled, deleted; a body with nothing valid is a 422 naming its fields.
    let input = example("post", "/api/v1/actions");
    let (s, created) =
        check(Method::POST, "/api/v1/actions", "/api/v1/actions", Some(&admin), Some(input.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, e) = check(Method::POST, "/api/v1/actions", "/api/v1/actions", Some(&admin), Some(json!({}))).await;
    assert_eq!((s, e["fields"]["start"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{e}");
    let one = format!("/api/v1/actions/{id}");
    let (s, _) = check(
        Method::PATCH,
        "/api/v1/actions/{id}",
        &one,
        Some(&admin),
        Some(example("patch", "/api/v1/actions/{id}")),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) =
        check(Method::POST, "/api/v1/actions/{id}/publish", &format!("{one}/publish"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, a) = check(Method::GET, "/api/v1/actions/{id}", &one, None, None).await;
    assert_eq!((s, a["title"].as_str()), (StatusCode::OK, input["title"].as_str()));
    let (s, list) = check(Method::GET, "/api/v1/actions", "/api/v1/actions?territory=territoire", None, None).await;
    assert_eq!((s, list[0]["id"].as_i64()), (StatusCode::OK, Some(id)));
    // Co-organisation and evaluation: no invitation yet; the documented evaluation names
    // structures this territory does not list: a documented 422; none recorded.
    let (s, list) =
        check(Method::GET, "/api/v1/actions/{id}/invitations", &format!("{one}/invitations"), Some(&admin), None).await;
    assert_eq!((s, list), (StatusCode::OK, json!([])));
    let (s, list) =
        check(Method::GET, "/api/v1/invitations", "/api/v1/invitations?pending=true", Some(&admin), None).await;
    assert_eq!((s, list), (StatusCode::OK, json!([])));
    let evaluation = format!("{one}/evaluation");
    let body = example("put", "/api/v1/actions/{id}/evaluation");
    let (s, e) = check(Method::PUT, "/api/v1/actions/{id}/evaluation", &evaluation, Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["fields"]["structures"].is_string() || e["fields"]["action"].is_string(), "{e}");
    let (s, list) = check(Method::GET, "/api/v1/actions/{id}/evaluation", &evaluation, None, None).await;
    assert_eq!((s, list), (StatusCode::OK, json!([])));
    let (s, _) = check(Method::POST, "/api/v1/actions/{id}/cancel", &format!("{one}/cancel"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = check(Method::DELETE, "/api/v1/actions/{id}", &one, Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = check(Method::GET, "/api/v1/actions/{id}", &one, None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A report from the documented example names a practice this instance does not hold: 422.
    let report = example("post", "/api/v1/reports");
    let (s, answer) = check(Method::POST, "/api/v1/reports", "/api/v1/reports", None, Some(report.clone())).await;
    assert_eq!(
        (s, answer["fields"]["target"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("report-target-unknown"))
    );
    let mut report = report;
    report["target"] = json!(m.data.urls.territory("territoire").to_string());
    report["kind"] = json!("actor");
    let (s, _) = check(Method::POST, "/api/v1/reports", "/api/v1/reports", None, Some(report)).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(checked, 34, "every call above is checked");
    m.stop().await;
}

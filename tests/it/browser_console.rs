//! The coordinator's journey in headless Chromium, in French, at phone and desktop width:
//! signatures are confirmed → the moderator is mailed (the .eml in the outbox, with a link to
//! the signature); they open the dashboard (the count shown), read a pending signature's
//! details, reject one with a reason from its row (a missing reason answered beside the field,
//! still logged in), approve another, and find both in the audit log in words and in Paris
//! time. Screenshots in target/screenshots/console-*.png.

use crate::{
    browser_layout::{PW, individual, login, signed_and_confirmed},
    common,
};

use chrono::{Datelike, Timelike};
use common::{
    TestDb, TestInstance,
    browser::{shot, start_browser, text},
    eventually, mailed_links, path_of,
};
use fantoccini::{Client, Locator};
use maillage::{domain::account::Role, processing::signatures::import_charter};

/// Quoted-printable text decoded (the outbox keeps mails as sent).
fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let mut out = vec![];
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mails sent to `to`, decoded.
fn mails_to(m: &TestInstance, to: &str) -> Vec<String> {
    let dir = m.db.dir.path().join("outbox");
    let mut files: Vec<_> = std::fs::read_dir(dir).expect("outbox").filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|f| std::fs::read_to_string(f).expect("mail"))
        .filter(|mail| mail.lines().any(|l| l.eq_ignore_ascii_case(&format!("To: {to}"))))
        .map(|mail| decode_qp(&mail))
        .collect()
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css}")).click().await.expect("click");
}

async fn path_is(c: &Client, want: &str) -> bool {
    c.current_url()
        .await
        .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or_default()).contains(want))
        .unwrap_or(false)
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_is_mailed_then_rejects_and_approves_from_the_console() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;
    import_charter(&m.data, "territoire", "# Charte\n\nNous signons.\n", "2024", "test").await.expect("charter");

    // Three people sign and confirm their address.
    let hors = signed_and_confirmed(&m, individual("Jardins de Nantes", "Nantes", "jardins@nantes.example")).await;
    let amap = signed_and_confirmed(&m, individual("Camille Dupont", "Redon", "camille@redon.example")).await;
    let last = signed_and_confirmed(&m, individual("Lou Martin", "Guer", "lou@guer.example")).await;

    // The moderator got one mail per confirmed signature, in plain words, with its link.
    let mails = mails_to(&m, "modo@cces.example");
    assert_eq!(mails.len(), 3, "one mail per confirmed signature");
    assert!(
        mails[0].contains("Jardins de Nantes (Nantes) a signé la charte du territoire « Territoire CCES »"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("attend votre décision") && mails[0].contains("The signature waits for your decision"),
        "French then English"
    );
    assert!(mails[2].contains("Signatures en attente pour ce territoire : 3"));
    let link = mailed_links(&m)
        .into_iter()
        .find(|l| l.contains(&format!("/admin/signatures/{last}?t=territoire")))
        .expect("a link to the signature's row");

    let driver = start_browser().await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    login(c, &m, "modo@cces.example").await;

    // The dashboard says what waits, with the count, and leads to it.
    assert!(text(c, "main").await.contains("3 signature(s) à accepter ou refuser"), "{}", text(c, "main").await);
    shot(c, "console-dashboard-phone").await;
    c.find(Locator::LinkText("3 signature(s) à accepter ou refuser"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    eventually(10, "the signatures to moderate", || async { path_is(c, "/admin/signatures?").await }).await;
    shot(c, "console-signatures-phone").await;

    // Without typing anything: one button ticks every row for a bulk decision (app.js).
    click(c, "button[data-check-all]").await;
    let ticked = c
        .execute("return document.querySelectorAll('input[form=bulk]:checked').length;", vec![])
        .await
        .expect("ticked");
    assert_eq!(ticked.as_i64(), Some(3), "every row ticked");
    click(c, "button[data-check-all]").await;

    // The mailed link opens that signature's details, worded for the coordinator.
    c.goto(&m.url(&path_of(&m, &link))).await.expect("mailed link");
    let details = text(c, "main").await;
    assert!(details.contains("Lou Martin") && details.contains("lou@guer.example") && details.contains("Citoyen·ne"));
    assert!(details.contains("02 99 71 00 42") && details.contains("En attente de décision"), "{details}");
    assert!(!details.contains("Voici tout ce que ce territoire conserve sur vous"));
    shot(c, "console-signature-details-phone").await;

    // From the list: a row's name leads to its details too.
    c.goto(&m.url("/admin/signatures")).await.expect("list");
    click(c, &format!("#sig-{hors} td a")).await;
    eventually(10, "details", || async { path_is(c, &format!("/admin/signatures/{hors}")).await }).await;
    assert!(text(c, "main").await.contains("jardins@nantes.example"));

    // Reject from the row: without a reason, the error shows beside the field, still logged in.
    c.goto(&m.url("/admin/signatures")).await.expect("list");
    click(c, &format!("#sig-{hors} form.reject-row button")).await;
    eventually(10, "the error beside the field", || async {
        c.find(Locator::Css(&format!("#reason-{hors}-error"))).await.is_ok()
    })
    .await;
    assert!(text(c, &format!("#reason-{hors}-error")).await.contains("Indiquez le motif du refus"));
    assert!(text(c, "header.site").await.contains("Déconnexion"), "still logged in");
    let focused = c.execute("return document.activeElement.id;", vec![]).await.expect("focus");
    assert_eq!(focused.as_str(), Some(format!("reason-{hors}").as_str()), "the field with the error has the focus");
    assert!(!text(c, "main").await.contains("Requête refusée"));
    let visible = c
        .execute(
            &format!(
                "const r = document.getElementById('reason-{hors}').getBoundingClientRect(); \
                 return r.top >= 0 && r.bottom <= window.innerHeight;"
            ),
            vec![],
        )
        .await
        .expect("visible");
    assert_eq!(visible.as_bool(), Some(true), "the field with the error is on screen");
    shot(c, "console-reject-error-phone").await;
    // …then with the reason: two taps.
    let reason = c.find(Locator::Css(&format!("#reason-{hors}"))).await.expect("reason");
    reason.send_keys("Hors du territoire").await.expect("type");
    click(c, &format!("#sig-{hors} form.reject-row button")).await;
    eventually(10, "rejected", || async { path_is(c, "done=reject").await }).await;
    assert!(text(c, ".notice").await.contains("Signature refusée"));
    shot(c, "console-rejected-phone").await;

    // Approve another from its row, at desktop width.
    c.set_window_size(1280, 900).await.expect("desktop");
    click(c, &format!("#sig-{amap} button.approve")).await;
    eventually(10, "approved", || async { path_is(c, "done=approve").await }).await;
    assert!(text(c, ".notice").await.contains("Signature acceptée"));
    assert!(c.find(Locator::Css(&format!("#sig-{amap}"))).await.is_err(), "no longer waiting");
    shot(c, "console-approved-desktop").await;
    let mails = mails_to(&m, "jardins@nantes.example");
    assert!(mails.iter().any(|mail| mail.contains("Hors du territoire")), "the reason is mailed to the signer");

    // The audit log, in words and in Paris time.
    c.goto(&m.url("/admin/audit")).await.expect("audit");
    let rows = c
        .execute("return Array.from(document.querySelectorAll('table.audit tbody tr')).map(r => r.innerText);", vec![])
        .await
        .expect("rows");
    let rows: Vec<String> =
        rows.as_array().expect("rows").iter().filter_map(|r| r.as_str().map(String::from)).collect();
    let rejected = rows.iter().find(|r| r.contains("Signature refusée")).expect("the rejection in words");
    assert!(rejected.contains("Jardins de Nantes (Hors du territoire)"), "{rejected}");
    assert!(rows.iter().any(|r| r.contains("Signature acceptée") && r.contains("Camille Dupont")), "{rows:?}");
    assert!(!rows.iter().any(|r| r.contains("Connexion")), "logins apart");
    let at: i64 = sqlx::query_scalar("SELECT created_at FROM audit_log WHERE action = 'signature.reject'")
        .fetch_one(m.data.store.pool())
        .await
        .expect("when");
    let utc = maillage::domain::millis_to_datetime(at);
    // Paris is UTC+1 in winter (December), UTC+2 in summer.
    let offset = if (4..=10).contains(&utc.month()) { 2 } else { 1 };
    let paris = utc + chrono::Duration::hours(offset);
    let shown = format!(" à {:02}:{:02}", paris.hour(), paris.minute());
    assert!(rejected.contains(&shown), "Paris time {shown} in {rejected}");
    assert!(!rejected.contains("UTC"));
    if utc.month() == 12 {
        let utc_shown = format!(" à {:02}:{:02}", utc.hour(), utc.minute());
        assert!(!rejected.contains(&utc_shown), "not UTC: {rejected}");
    }
    shot(c, "console-audit-desktop").await;
    c.set_window_size(390, 844).await.expect("phone");
    shot(c, "console-audit-phone").await;

    assert!(text(c, "main").await.contains("fuseau de l'instance (Europe/Paris)"));

    // The dashboard now counts one, and shows both decisions in the recent activity.
    c.goto(&m.url("/admin")).await.expect("dashboard");
    let dash = text(c, "main").await;
    assert!(dash.contains("1 signature(s) à accepter ou refuser"), "{dash}");
    assert!(dash.contains("Signature refusée : Jardins de Nantes (Hors du territoire)"), "{dash}");
    c.set_window_size(1280, 900).await.expect("desktop");
    shot(c, "console-dashboard-desktop").await;
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

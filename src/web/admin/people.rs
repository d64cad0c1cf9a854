//! Admin console: accounts and instance settings.

use super::*;
use crate::domain::ids::AccountId;

fn account_form(ctx: &Ctx, email: String) -> FormDef {
    let tr = ctx.tr;
    FormDef {
        action: AdminPath::accounts().into(),
        title: tr.t("create-account"),
        fields: vec![
            Field { name: "email", label: tr.t("email"), kind: "email", value: email },
            Field { name: "role", label: tr.t("role"), kind: "role", value: String::new() },
            Field { name: "password", label: tr.t("password"), kind: "password", value: String::new() },
        ],
        submit: tr.t("create-account"),
    }
}

pub(super) async fn accounts_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-accounts", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    accounts_tables(&data, &ctx, &mut page).await?;
    page.forms.push(account_form(&ctx, String::new()));
    render_status(StatusCode::OK, &page)
}

pub(super) async fn accounts_tables(data: &AppState, ctx: &Ctx, page: &mut AdminPage) -> AppResult<()> {
    let tr = ctx.tr;
    let rows = data
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|a| {
            let role = tr.t(if a.role() == Role::Admin { "role-admin" } else { "role-moderator" });
            let state = if a.disabled.0 { tr.t("disabled") } else { String::new() };
            Row { key: a.id.to_string(), cells: vec![a.email, role, state] }
        })
        .collect();
    page.tables.push(Table {
        empty: String::new(),
        title: tr.t("admin-accounts"),
        headers: vec![tr.t("email"), tr.t("role"), tr.t("state")],
        rows,
        actions: vec![
            action(
                &AdminPath::accounts_toggle().to_string(),
                "id",
                format!("{} / {}", tr.t("disable"), tr.t("enable")),
                "secondary",
                ("", String::new()),
            )
            .confirming(tr.t("confirm-account-toggle")),
        ],
    });
    Ok(())
}

pub(super) async fn accounts_create(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let mut errors = vec![];
    let email = parse_email(&f.get("email"));
    if email.is_err() {
        errors.push(("email", ctx.tr.t("email-invalid")));
    }
    let role = Role::parse(&f.get("role")).ok_or_else(|| AppError::Unprocessable("unknown role".into()))?;
    let password = f.get("password");
    if let Err(key) = check_new_password(&password) {
        errors.push(("password", ctx.tr.t(key)));
    }
    if let (Ok(email), true) = (&email, errors.is_empty()) {
        let hash =
            tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(AppError::internal)??;
        match crate::processing::accounts::create_account(&data, email, &hash, role, &account.email).await {
            Ok(_) => return Ok(back(AdminPath::accounts())),
            Err(AppError::Conflict(_)) => errors.push(("email", ctx.tr.t("account-exists"))),
            Err(e) => return Err(e),
        }
    }
    let mut page = AdminPage::new(&ctx, "admin-accounts", "tables", &data.config.default_territory.to_string());
    accounts_tables(&data, &ctx, &mut page).await?;
    page.forms.push(account_form(&ctx, f.get("email")));
    page.errors = errors;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub(super) async fn accounts_toggle(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (me, f) = posted(&ctx, Role::Admin, form)?;
    let id: AccountId = f.get("id").parse().map_err(|_| AppError::BadRequest("id".into()))?;
    if id == me.id {
        return Err(AppError::Conflict("you cannot disable your own account".into()));
    }
    let target = data
        .store
        .accounts()
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    crate::processing::accounts::set_disabled(&data, &target, !target.disabled.0, &me.email).await?;
    Ok(back(AdminPath::accounts()))
}

pub(super) async fn instance_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-instance", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.forms.push(FormDef {
        action: AdminPath::instance().into(),
        title: tr.t("admin-instance"),
        fields: vec![
            Field {
                name: "contact",
                label: tr.t("instance-contact"),
                kind: "email",
                value: data.store.setting("contact").await?.unwrap_or_default(),
            },
            Field {
                name: "rules",
                label: tr.t("instance-rules"),
                kind: "textarea",
                value: data.store.setting("rules").await?.unwrap_or_default(),
            },
            Field {
                name: "moderation_mail",
                label: tr.t("instance-moderation-mail"),
                kind: "moderation_mail",
                value: processing::moderation::frequency(&data).await?.code().to_string(),
            },
        ],
        submit: tr.t("save"),
    });
    render_status(StatusCode::OK, &page)
}

pub(super) async fn instance_save(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let contact = f.get("contact");
    if !contact.trim().is_empty() && parse_email(&contact).is_err() {
        return Err(AppError::Unprocessable("email-invalid".into()));
    }
    let rules: String = f.get("rules").chars().take(10_000).collect();
    crate::processing::territories::set_instance_settings(&data, contact.trim(), &rules, &account.email).await?;
    let asked = f.get("moderation_mail");
    if !asked.is_empty() {
        let wanted = processing::moderation::Frequency::parse(&asked)
            .ok_or_else(|| AppError::Unprocessable("moderation_mail: each, digest or never".into()))?;
        if wanted != processing::moderation::frequency(&data).await? {
            processing::moderation::set_frequency(&data, wanted, &account.email).await?;
        }
    }
    Ok(back(AdminPath::instance()))
}

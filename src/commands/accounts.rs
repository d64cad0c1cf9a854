//! `maillage admin create|list` and `maillage token create|list|revoke`: console accounts
//! and API tokens.

use std::path::PathBuf;

use maillage::{
    domain::{account::Role, millis_to_datetime},
    error::{AppError, AppResult},
    processing, security,
    state::AppState,
};

use crate::{AdminCmd, TokenCmd};

/// The password from a file, a terminal prompt, or standard input.
fn read_password(file: Option<PathBuf>) -> AppResult<String> {
    use std::io::IsTerminal;
    let text = match file {
        Some(p) => std::fs::read_to_string(&p).map_err(|e| AppError::BadRequest(format!("{}: {e}", p.display())))?,
        None if std::io::stdin().is_terminal() => rpassword::prompt_password("Mot de passe / Password: ")
            .map_err(|e| AppError::BadRequest(format!("password prompt: {e}")))?,
        None => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| AppError::BadRequest(format!("stdin: {e}")))?;
            line
        }
    };
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

fn role(name: &str) -> AppResult<Role> {
    Role::parse(name).ok_or_else(|| AppError::Unprocessable("role is admin or moderator".into()))
}

pub async fn admin(state: &AppState, cmd: AdminCmd) -> AppResult<()> {
    match cmd {
        AdminCmd::Create { email, role: role_name, password_file } => {
            let email = maillage::domain::account::parse_email(&email)
                .map_err(|_| AppError::Unprocessable("invalid email address".into()))?;
            let role = role(&role_name)?;
            let password = read_password(password_file)?;
            security::check_new_password(&password)
                .map_err(|_| AppError::Unprocessable("the password needs 10 to 200 characters".into()))?;
            let hash = security::hash_password(&password)?;
            let a = processing::accounts::create_account(state, &email, &hash, role, "cli").await?;
            println!("account {} created ({})", a.email, role.as_str());
        }
        AdminCmd::List => {
            for a in state.store.accounts().await? {
                println!("{}\t{}\t{}\t{}", a.id, a.email, a.role, if a.disabled.0 { "disabled" } else { "active" });
            }
        }
    }
    Ok(())
}

pub async fn token(state: &AppState, cmd: TokenCmd) -> AppResult<()> {
    match cmd {
        TokenCmd::Create { role: role_name, label } => {
            let role = role(&role_name)?;
            let token = security::new_token()?;
            let hash = security::hash_token(&token);
            let id = processing::accounts::create_token(state, &hash, role, &label, "cli").await?;
            eprintln!("token #{id} ({}) — shown once, keep it safe:", role.as_str());
            println!("{token}");
        }
        TokenCmd::List => {
            for t in state.store.api_tokens().await? {
                let revoked = if t.revoked_at.is_some() { "revoked" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.role,
                    t.label,
                    millis_to_datetime(t.created_at).to_rfc3339(),
                    revoked
                );
            }
        }
        TokenCmd::Revoke { id } => {
            if !processing::accounts::revoke_token(state, id, "cli").await? {
                return Err(AppError::NotFound(format!("active token #{id}")));
            }
            println!("token #{id} revoked");
        }
    }
    Ok(())
}

//! Demo accounts for trying the app (`server serve --demo`): an admin, the district's lead agency
//! and two commune officers, with fixed passwords that are printed. Never created otherwise.

use crate::accounts::{self, NewOfficer};
use crate::error::ApiError;
use crate::model::Actor;
use crate::store::Store;

pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    /// By internal id: `03390` today names the Xã Bình Lư of 2025, but the demo works in 2023.
    pub org_unit_id: &'static str,
    pub password: &'static str,
}

pub const ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        username: "admin",
        display_name: "Quản trị viên",
        role: "admin",
        org_unit_id: "ou-106",
        password: "demo-admin",
    },
    DemoAccount {
        username: "huyen",
        display_name: "Cán bộ Phòng LĐ-TB&XH huyện",
        role: "district_officer",
        org_unit_id: "ou-106",
        password: "demo-huyen",
    },
    DemoAccount {
        username: "binhlu",
        display_name: "Cán bộ xã Bình Lư",
        role: "commune_officer",
        org_unit_id: "ou-03412",
        password: "demo-binhlu",
    },
    DemoAccount {
        username: "thitran",
        display_name: "Cán bộ thị trấn Tam Đường",
        role: "commune_officer",
        org_unit_id: "ou-03390",
        password: "demo-thitran",
    },
];

/// Creates the demo accounts that do not exist yet; existing ones are left as they are.
pub async fn ensure_accounts(store: &dyn Store) -> Result<(), ApiError> {
    for account in &ACCOUNTS {
        if store.credentials(account.username).await?.is_some() {
            continue;
        }
        let new = NewOfficer {
            username: account.username.into(),
            display_name: Some(account.display_name.into()),
            role: account.role.into(),
            org_unit_id: account.org_unit_id.into(),
            password: account.password.into(),
        };
        accounts::create(store, new, &Actor::default()).await?;
    }
    Ok(())
}

//! Automation Anywhere documentation pages the hints point to (`docs/control-room-api.md` §0).
//! Kept in one place so a moved page is fixed once.

macro_rules! aa_doc {
    ($path:literal) => {
        concat!(
            "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/",
            $path
        )
    };
}

/// [D1] Authenticate (username and apiKey).
pub(crate) const AUTHENTICATE: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-authenticate-apikey.html");
/// [D2] Validate token.
pub(crate) const VALIDATE: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-validate-token.html");
/// [D4] Expire token (logout).
pub(crate) const LOGOUT: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-authentication-logout.html");
/// [D5] API response codes.
pub(crate) const RETURN_CODES: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/common-return-codes.html");
/// [D6] Multi-login user.
pub(crate) const MULTI_LOGIN: &str =
    aa_doc!("enterprise-cloud/topics/control-room/administration/users/cloud-multi-login-user.html");
/// [D7] Control Room APIs (the v.33 note: v1 authentication discontinued).
pub(crate) const CR_APIS: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-control-room-apis.html");
/// [D8] Generate API-Key.
pub(crate) const GENERATE_KEY: &str = aa_doc!("generate-api-key.html");
/// [D12] API permissions.
pub(crate) const API_PERMISSIONS: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-api-permissions.html");
/// [D15] Firewall rules and TLS of an on-premises Control Room.
pub(crate) const FIREWALL: &str =
    aa_doc!("enterprise-cloud/topics/deployment-planning/on-prem-install/cloud-firewall-rules.html");
pub(crate) const CUSTOM_TLS: &str =
    aa_doc!("enterprise-cloud/topics/deployment-planning/on-prem-install/cloud-custom_install_configure_tls.html");
/// [D8] Create API key generation role (Generate API-Key, the "API expiration" field, API-Key Duration).
pub(crate) const APIKEY_ROLE: &str =
    aa_doc!("enterprise-cloud/topics/control-room/administration/roles/cloud-control-room-apikey-role.html");
/// [D31] Roles and permissions (the permissions of a role, by screen and API id).
pub(crate) const ROLES_PERMISSIONS: &str =
    aa_doc!("enterprise-cloud/topics/control-room/control-room-api/cloud-features-api-id-to-ui-map.html");

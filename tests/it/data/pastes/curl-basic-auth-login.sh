curl -u 'svc_api:Winter-2025!pw' -X POST https://acme.my.automationanywhere.digital/v2/authentication

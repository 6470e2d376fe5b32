curl -X POST https://cr.corp.example.com/v2/authentication -H 'Content-Type: application/json' -d '{"username":"CORP\svc_api","password":"Winter-2025!pw"}'

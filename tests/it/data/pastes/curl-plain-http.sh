curl -X POST http://cr.corp.example.com/v2/authentication -H 'Content-Type: application/json' -d '{"username":"svc_api","password":"Winter-2025!pw"}'

$h = @{ Authorization = "Bearer eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIyNyIsImNsaWVudFR5cGUiOiJXRUIiLCJpYXQiOjE3MzUwMDAwMDAsImV4cCI6MTczNTAwMTIwMCwiaXNzIjoiQXV0b21hdGlvbkFueXdoZXJlIn0.c2lnbmF0dXJlLW5vdC1yZWFsLXRlc3Qtb25seQ" }
iwr -UseBasicParsing -Uri 'https://acme.my.automationanywhere.digital/v1/devices/list' -Method Post -Headers $h -ContentType 'application/json' -Body '{}'

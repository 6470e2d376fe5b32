$cr = "https://acme.my.automationanywhere.digital"
$body = @{
    username = "svc_api"
    apiKey   = "f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi"
} | ConvertTo-Json
$token = (Invoke-RestMethod -Uri "$cr/v2/authentication" -Method Post -Body $body -ContentType "application/json").token

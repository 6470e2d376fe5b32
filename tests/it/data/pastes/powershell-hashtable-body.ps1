$body = @{ username = 'svc_api'; apiKey = 'f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi' }
Invoke-RestMethod -Uri 'https://acme.my.automationanywhere.digital/v2/authentication' -Method Post -Body $body

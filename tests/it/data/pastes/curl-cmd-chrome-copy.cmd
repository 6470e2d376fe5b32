curl ^"https://acme.my.automationanywhere.digital/v1/authentication^" ^
  -H ^"accept: application/json, text/plain, */*^" ^
  -H ^"content-type: application/json^" ^
  --data-raw ^"^{^\^"username^\^":^\^"svc_api^\^",^\^"apiKey^\^":^\^"f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi^\^"^}^"

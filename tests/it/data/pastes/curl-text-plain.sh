curl -X POST https://acme.my.automationanywhere.digital/v2/authentication -H 'Content-Type: text/plain' --data-raw '{"username":"svc_api","apiKey":"f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi"}'

curl -X POST https://acme.my.automationanywhere.digital/v2/authentication \
  -d 'username=svc_api' -d 'apiKey=Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1%2FYs5Xo'

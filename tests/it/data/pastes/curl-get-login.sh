curl -G https://acme.my.automationanywhere.digital/v2/authentication --data-urlencode 'username=svc_api'

$headers = @{}
$headers.Add("Content-Type", "application/json")
$body = '{"username":"svc_api","apiKey":"' + $env:AA_API_KEY + '"}'
Invoke-RestMethod -Uri https://acme.my.automationanywhere.digital/v2/authentication -Method POST -Headers $headers -Body $body
Invoke-RestMethod : {"code":"UM1110","details":"","message":"Either your username or your password is incorrect"}
At line:4 char:1
+ Invoke-RestMethod -Uri https://acme.my.automationanywhere.digital/v2/authentication -Method POST ...
    + CategoryInfo          : InvalidOperation: (System.Net.HttpWebRequest:HttpWebRequest) [Invoke-RestMethod], WebException

-- wrk script: POST /v2.0/ports on NETWORK (one port per request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"port": {"network_id": "' .. os.getenv("NETWORK") .. '"}}'

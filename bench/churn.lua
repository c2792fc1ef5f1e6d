-- wrk script: each connection alternates POST /v2.0/ports on NETWORK and DELETE of the
-- port it just made, so the subnet's occupancy stays constant while addresses are
-- allocated and released as fast as the server allows.
local network = os.getenv("NETWORK")
local pending = nil

request = function()
   if pending then
      local id = pending
      pending = nil
      return wrk.format("DELETE", "/v2.0/ports/" .. id)
   end
   return wrk.format("POST", "/v2.0/ports", {["Content-Type"] = "application/json"},
                     '{"port": {"network_id": "' .. network .. '"}}')
end

response = function(status, headers, body)
   if status == 201 then
      pending = string.match(body, '"id":"([0-9a-f%-]+)"')
   end
end

-- wrk script: PATCH /api/v1/onboarding/steps/organization with a bearer token (ONRAMP_TOKEN).
-- Each request is a partial save: authenticated, validated, persisted, audited.
local token = os.getenv("ONRAMP_TOKEN")
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"config":{"legal_name":"Bench Co %d","display_name":"Bench"}}', counter)
  return wrk.format("PATCH", "/api/v1/onboarding/steps/organization", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end

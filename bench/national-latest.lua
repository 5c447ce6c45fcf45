-- wrk script for docs/scale.md (chiso serve on a national demo database).
-- The dashboard of the latest month as 100 users would browse it right after
-- new data: the national ranking, the province pages, each province's units.
local codes = {"H24","H57","H35","H18","H52","H37","H49","H56","H41","H25","H13","H60","H38","H55","H44","H06","H31","H27","H42","H50","H15","H48","H21","H32","H36","H16","H30","H19","H53","H14","H61","H20","H12","H01"}
-- Signed in (the live figures) when CHISO_TOKEN is set; the public sees
-- published results only.
local token = os.getenv("CHISO_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
math.randomseed(34)
request = function()
  local c = "000.00.00." .. codes[math.random(#codes)]
  local r = math.random(4)
  if r == 1 then return wrk.format("GET", "/?period=2026-10") end
  if r == 2 then return wrk.format("GET", "/units/" .. c .. "?period=2026-10") end
  if r == 3 then return wrk.format("GET", "/?period=2026-10&parent=" .. c) end
  return wrk.format("GET", "/api/v1/ranking?period=2026-10&kind=province")
end

-- wrk script for docs/scale.md (chiso serve on a national demo database).
-- Random province pages: 34 provinces x 12 months (408 URLs), cold on first visit.
local codes = {"H24","H57","H35","H18","H52","H37","H49","H56","H41","H25","H13","H60","H38","H55","H44","H06","H31","H27","H42","H50","H15","H48","H21","H32","H36","H16","H30","H19","H53","H14","H61","H20","H12","H01"}
local months = {"2025-11","2025-12","2026-01","2026-02","2026-03","2026-04","2026-05","2026-06","2026-07","2026-08","2026-09","2026-10"}
-- Signed in (the live figures) when CHISO_TOKEN is set; the public sees
-- published results only.
local token = os.getenv("CHISO_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
math.randomseed(766)
request = function()
  local c = codes[math.random(#codes)]
  local m = months[math.random(#months)]
  return wrk.format("GET", "/units/000.00.00." .. c .. "?period=" .. m)
end

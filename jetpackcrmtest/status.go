package jetpackcrmtest

import "net/http"

// status is GET /zbs_api/status; "full" (present with any value) adds the
// enabled core modules and the installed extensions.
func (s *Server) status(req *apiRequest) *response {
	data := newObject().
		set("status", "Successful Connection").
		set("message", "Your API Connection with Jetpack CRM is functioning correctly.").
		set("crm_version", s.cfg.reportedVersion()).
		set("db_version", s.cfg.dbVersion)
	if _, full := req.query["full"]; full {
		modules := make([]any, 0, len(s.cfg.modules))
		for _, m := range s.cfg.modules {
			modules = append(modules, m)
		}
		exts := newObject() // an empty one is written [], like PHP's empty array
		for _, e := range s.cfg.extensions {
			exts.set(e.key, newObject().set("name", e.name).set("version", e.version))
		}
		data.set("modules", modules).set("extensions", exts)
	}
	return jsonReply(http.StatusOK, newObject().set("success", true).set("data", data))
}

package jetpackcrmtest

import (
	"net/http"
	"time"
)

// reminderOffset is the only reminder the API can create: 24 hours before.
const reminderOffset = -24 * time.Hour

// createEvent is /zbs_api/create_event: title, from and to are required;
// "id" (or "event_id") updates. The reply is the sanitised field set, not an
// echo.
func (s *Server) createEvent(req *apiRequest) *response {
	v, err := decodePHP(req.body)
	body := asObject(v)
	if err != nil || body == nil {
		return createError("error", 100)
	}
	title := sanitizeValue(body.vals["title"])
	from := sanitizeValue(body.vals["from"])
	to := sanitizeValue(body.vals["to"])
	if title == "" || from == "" || to == "" {
		return createError("error", 100)
	}
	// (int) casts, as create_event.php does: a non-numeric id is 0, a
	// new task. "id" wins over "event_id".
	taskID := int64(-1)
	if v, ok := body.get("event_id"); ok {
		taskID = phpInt(v)
	}
	if v, ok := body.get("id"); ok {
		taskID = phpInt(v)
	}
	customer := int64(-1)
	if cv, ok := body.get("customer"); ok {
		customer = intParam(cv)
	}
	notify := int64(-1)
	if phpInt(body.vals["notify"]) == 24 {
		notify = 24
	}
	complete := int64(-1) // the DB default, which the bool sanitiser reads as true
	if cv, ok := body.get("complete"); ok {
		complete = phpInt(cv)
	}
	owner := int64(-1)
	if ov, ok := body.get("owner"); ok {
		owner = phpInt(ov)
	}
	notes := sanitizeValue(body.vals["notes"])

	now := s.now()
	// The DAL stores title and notes through zeroBSCRM_textProcess
	// (htmlentities of the unslashed text), the title cut to 255 bytes.
	storedTitle, storedNotes := maxLen(textProcess(title), 255), textProcess(notes)
	if !allStorable(storedTitle, storedNotes) {
		return createError("error", 100)
	}
	reply := func(id int64) *response {
		return jsonReply(http.StatusOK, newObject().
			set("title", title).
			set("customer", customer).
			set("notes", notes).
			set("to", to).
			set("from", from).
			set("notify", notify).
			set("complete", complete).
			set("owner", owner).
			set("id", id))
	}
	var target *Event
	if taskID > 0 {
		if target = s.db.event(taskID); target == nil {
			// An UPDATE of no row: the DAL reports the ID as saved, and
			// nothing is stored.
			return reply(taskID)
		}
	}
	isNew := target == nil
	e := target
	if isNew {
		e = &Event{Created: now, ShowOnCalendar: true}
	}
	e.Title, e.Description = storedTitle, storedNotes
	e.Start, e.End = fromUnix(intColumn(strtotime(from, now))), fromUnix(intColumn(strtotime(to, now)))
	e.Complete = complete != 0
	if customer > 0 {
		e.ContactID = customer
	}
	if s.isAdmin(owner) {
		e.Owner = owner
	} else if isNew {
		e.Owner = 0 // a non-admin owner becomes the current user: none in an API call
	}
	if isNew {
		assignID(&e.ID, &s.db.nextEvent)
		s.db.events = insertSorted(s.db.events, e, eventID)
	}
	e.Reminders = nil
	if notify == 24 {
		r := Reminder{Owner: e.Owner, RemindAt: reminderOffset, Created: now, LastUpdated: now}
		assignID(&r.ID, &s.db.nextReminder)
		e.Reminders = []Reminder{r}
	}
	e.LastUpdated = now
	return reply(e.ID)
}

// eventsList is GET /zbs_api/events, ID ascending, filtered by "owner" (or,
// when owner is absent or not positive, "owned").
func (s *Server) eventsList(req *apiRequest) *response {
	page, perPage := queryPaging(req)
	owner := int64(0)
	if v, ok := req.queryValue("owner"); ok {
		owner = stringToInt(sanitizeText(v))
	}
	if owner <= 0 {
		if v, ok := req.queryValue("owned"); ok {
			owner = stringToInt(sanitizeText(v))
		}
	}
	var list []*Event
	for _, e := range s.db.events {
		if owner > 0 && e.Owner != owner {
			continue
		}
		list = append(list, e)
	}
	out := []any{}
	for _, e := range paginate(inOrder(list, newestFirst(req, false)), page, perPage) {
		out = append(out, s.eventObject(e))
	}
	return jsonReply(http.StatusOK, out)
}

// eventObject is the event shape (tidy_event) with reminders, contact and company.
func (s *Server) eventObject(e *Event) *object {
	reminders := []any{}
	for _, r := range e.Reminders {
		reminders = append(reminders, newObject().
			set("id", itoa(r.ID)).
			set("owner", itoa(r.Owner)).
			set("event", e.ID).
			set("remind_at", int64(r.RemindAt/time.Second)).
			set("sent", unixOr(r.Sent, -1)).
			set("created", unix(r.Created)).
			set("created_date", dateOrFalse(r.Created, layoutYmdHis)).
			set("lastupdated", unix(r.LastUpdated)).
			set("lastupdated_date", dateOrFalse(r.LastUpdated, layoutYmdHis)))
	}
	return newObject().
		set("id", itoa(e.ID)).
		set("owner", itoa(e.Owner)).
		set("title", stripSlashes(e.Title)).
		set("desc", stripSlashes(e.Description)).
		set("start", unix(e.Start)).
		set("start_date", dateOrFalse(e.Start, layoutYmdHis)).
		set("end", unix(e.End)).
		set("end_date", dateOrFalse(e.End, layoutYmdHis)).
		set("complete", boolToInt(e.Complete)).
		set("show_on_portal", boolToInt(e.ShowOnPortal)).
		set("show_on_cal", boolToInt(e.ShowOnCalendar)).
		set("created", unix(e.Created)).
		set("created_date", dateOrFalse(e.Created, layoutYmdHis)).
		set("lastupdated", unix(e.LastUpdated)).
		set("lastupdated_date", dateOrFalse(e.LastUpdated, layoutYmdHis)).
		set("reminders", reminders).
		set("contact", s.assignedContact(e.ContactID)).
		set("company", s.assignedCompany(e.CompanyID))
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package jetpackcrmtest

import (
	"strconv"
	"strings"
	"time"
)

// strtotimeLayouts are the absolute formats the fake understands, tried in
// order, all read in UTC (WordPress runs PHP in UTC). They cover what the
// SDK and the recordings send: "m/d/Y H:i:s" (US order, as PHP reads
// slashes), "Y-m-d H:i:s", "Y-m-d H:i", RFC 3339 and the HTTP date formats.
var strtotimeLayouts = []string{
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"1/2/06 15:04:05",
	"1/2/06 15:04",
	"1/2/06",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"2006-1-2",
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-1-2T15:04:05",
	"2006-1-2T15:04",
	time.RFC1123,
	time.RFC1123Z,
	time.RFC850,
	time.ANSIC,
}

// strtotime emulates PHP's strtotime() in UTC for the formats above, plus
// "@<unix>", "now", "today", "midnight", "tomorrow" and "yesterday". It
// returns 0, as the plugin stores, for anything it cannot read.
func strtotime(s string, now time.Time) int64 {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		if n, err := strconv.ParseInt(rest, 10, 64); err == nil {
			return n
		}
		return 0
	}
	now = now.UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch strings.ToLower(s) {
	case "now":
		return now.Unix()
	case "today", "midnight":
		return midnight.Unix()
	case "tomorrow":
		return midnight.AddDate(0, 0, 1).Unix()
	case "yesterday":
		return midnight.AddDate(0, 0, -1).Unix()
	}
	for _, layout := range strtotimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.Unix()
		}
	}
	return 0
}

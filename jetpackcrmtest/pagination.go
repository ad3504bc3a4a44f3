package jetpackcrmtest

import "strings"

// intParam is (int) sanitize_text_field(v), how the plugin reads numeric
// parameters from a JSON body.
func intParam(v any) int64 { return stringToInt(sanitizeValue(v)) }

// queryPaging reads page and perpage from the query string like the GET
// list endpoints: perpage defaults to 10, a negative perpage becomes 10, a
// non-numeric one 0 (an empty page); page defaults to 0 and a negative or
// non-numeric page means the first page.
func queryPaging(req *apiRequest) (page, perPage int64) {
	if req.sortable {
		// 6.5.0 and later: max((int) value, 1) for both.
		page, perPage = 1, 10
		if v, ok := req.queryValue("perpage"); ok {
			perPage = max(stringToInt(v), 1)
		}
		if v, ok := req.queryValue("page"); ok {
			page = max(stringToInt(v), 1)
		}
		return page, perPage
	}
	perPage = 10
	if v, ok := req.queryValue("perpage"); ok {
		perPage = stringToInt(sanitizeText(v))
		if perPage < 0 {
			perPage = 10
		}
	}
	if v, ok := req.queryValue("page"); ok {
		page = stringToInt(sanitizeText(v))
		if page < 0 {
			page = 0
		}
	}
	return page, perPage
}

// paginate returns the page of items the DAL's LIMIT selects: offset
// max(page-1, 0)*perPage, so pages 0 and 1 are both the first page.
func paginate[T any](items []T, page, perPage int64) []T {
	if perPage <= 0 {
		return nil
	}
	skip := page - 1
	if skip < 0 {
		skip = 0
	}
	n := int64(len(items))
	if skip > 0 && skip > n/perPage {
		return nil
	}
	offset := skip * perPage
	if offset >= n {
		return nil
	}
	end := n
	if perPage < n-offset {
		end = offset + perPage
	}
	return items[offset:end]
}

// newestFirst reports whether a GET list is sorted by descending ID: from
// 6.5.0 unless the query says order=ASC (any case); before, only the
// lists that always were (quotes).
func newestFirst(req *apiRequest, before bool) bool {
	if !req.sortable {
		return before
	}
	v, _ := req.queryValue("order")
	return strings.ToUpper(v) != "ASC"
}

// inOrder returns items (kept in ascending ID order) in the list's order.
func inOrder[T any](items []T, desc bool) []T {
	if !desc {
		return items
	}
	out := make([]T, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return out
}

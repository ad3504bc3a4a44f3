package jetpackcrm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// status

func TestStatusDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 164} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "status", replay(t, n))
			st, resp, err := env.client.Status(context.Background())
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "Successful Connection", st.Status)
			assert.Equal(t, "Your API Connection with Jetpack CRM is functioning correctly.", st.Message)
			assert.Equal(t, "6.4.3", st.CRMVersion, "Jetpack CRM 6.4.4 reports 6.4.3")
			assert.Equal(t, "3.0", st.DBVersion)
			assert.Nil(t, st.Modules, "only StatusFull lists modules")
			assert.Nil(t, st.Extensions)
			assertWire(t, w.single(t), http.MethodGet, "status", nil, "")
		})
	}
}

func TestStatusFullDecodesRecordedModules(t *testing.T) {
	t.Parallel()
	env := setup(t)
	w := serveWire(env, http.MethodGet, "status", replay(t, 4))
	st, _, err := env.client.StatusFull(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "6.4.3", st.CRMVersion)
	assert.Equal(t, []string{"api", "cal", "quotebuilder", "invbuilder", "pdfinv", "forms", "transactions", "b2bmode", "jetpackforms", "portal"}, st.Modules)
	assert.NotNil(t, st.Extensions, `"extensions":[] is an empty map`)
	assert.Empty(t, st.Extensions)
	assertWire(t, w.single(t), http.MethodGet, "status", url.Values{"full": {"1"}}, "")
}

func TestStatusRecordedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		want    wantAPIError
	}{
		{9, wantAPIError{is: ErrUnauthorized, status: 401, apiStatus: "Unauthorized",
			message: "Please ensure your Jetpack CRM API key and secret are correctly configured."}},
		{17, want405},  // POST
		{18, want405},  // DELETE
		{163, want405}, // OPTIONS
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "status", replay(t, tt.capture))
			st, resp, err := env.client.Status(context.Background())
			assert.Nil(t, st)
			require.NotNil(t, resp)
			assertAPIError(t, err, http.MethodGet, "status", tt.want)
			_, _, err = env.client.StatusFull(context.Background())
			assertAPIError(t, err, http.MethodGet, "status", tt.want)
		})
	}
}

func TestStatusIsARead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		w := serveWire(env, http.MethodGet, "status", replay(t, 111).Then(replay(t, 111)).Then(replay(t, 1)))
		st, resp, err := env.client.Status(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 3, resp.Attempts)
		assert.Equal(t, "6.4.3", st.CRMVersion)
		assert.Len(t, w.requests(), 3)
	})
}

// ---------------------------------------------------------------------------
// webhook

// ---------------------------------------------------------------------------
// incoming_email: not an endpoint of 6.4.4; the SDK has no method for it.

func TestDecodeRecordedStatus(t *testing.T) {
	t.Parallel()
	full := decodeRecorded[statusEnvelope](t, 4)
	assert.True(t, bool(full.Success))
	s := full.Data
	assert.Equal(t, "Successful Connection", s.Status)
	assert.Equal(t, "Your API Connection with Jetpack CRM is functioning correctly.", s.Message)
	assert.Equal(t, "6.4.3", s.CRMVersion)
	assert.Equal(t, "3.0", s.DBVersion)
	assert.Contains(t, s.Modules, "api")
	assert.Len(t, s.Modules, 10)
	assert.NotNil(t, s.Extensions)
	assert.Empty(t, s.Extensions, `"extensions":[]`)

	short := decodeRecorded[statusEnvelope](t, 1)
	assert.Equal(t, "6.4.3", short.Data.CRMVersion)
	assert.Nil(t, short.Data.Modules)
	assert.Nil(t, short.Data.Extensions)

	var withExt Status
	require.NoError(t, json.Unmarshal([]byte(`{"crm_version":6.5,"extensions":{"woo":{"name":"WooSync","version":"3.0"}}}`), &withExt))
	assert.Equal(t, "6.5", withExt.CRMVersion)
	assert.Equal(t, map[string]Extension{"woo": {Name: "WooSync", Version: "3.0"}}, withExt.Extensions)
}

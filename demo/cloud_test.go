package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// startCloud starts a fresh cloud on a random loopback port.
func startCloud(t *testing.T) (*Cloud, string) {
	t.Helper()
	c := NewCloud()
	base, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c, base
}

type testReply struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func (r testReply) firstError() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}

// gql posts a GraphQL query and decodes the reply; it fails the test unless
// the HTTP status is 200.
func gql(t *testing.T, base, token, query string) testReply {
	t.Helper()
	r, err := doGQL(base, token, query)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// doGQL is gql for goroutines other than the test's, which must not call
// t.Fatal.
func doGQL(base, token, query string) (testReply, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, base+GraphQLPath, bytes.NewReader(body))
	if err != nil {
		return testReply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return testReply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return testReply{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return testReply{}, fmt.Errorf("status %d for %s: %s", resp.StatusCode, query, raw)
	}
	var r testReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return testReply{}, fmt.Errorf("decode reply %q: %w", raw, err)
	}
	return r, nil
}

func TestCloudTokens(t *testing.T) {
	a, b := NewCloud(), NewCloud()
	if !strings.HasPrefix(a.RootToken(), RootTokenPrefix) || len(a.RootToken()) < len(RootTokenPrefix)+32 {
		t.Errorf("root token %q: want prefix %q and a long random part", a.RootToken(), RootTokenPrefix)
	}
	if !strings.HasPrefix(a.StagingToken(), StagingTokenPrefix) || len(a.StagingToken()) < len(StagingTokenPrefix)+32 {
		t.Errorf("staging token %q: want prefix %q and a long random part", a.StagingToken(), StagingTokenPrefix)
	}
	if a.RootToken() == b.RootToken() || a.StagingToken() == b.StagingToken() {
		t.Error("two clouds share a token; tokens must be random per instance")
	}
}

func TestCloudStagingTokenDeniedOnProductionVolume(t *testing.T) {
	c, base := startCloud(t)
	stg := c.StagingToken()

	r := gql(t, base, stg, fmt.Sprintf(`{ volume(id: %q) { id name } }`, ProdVolumeID))
	if r.firstError() != "Not Authorized" {
		t.Errorf("staging token reading the production volume: errors %+v, want Not Authorized", r.Errors)
	}
	if string(r.Data["volume"]) != "null" {
		t.Errorf("staging token got volume data %s", r.Data["volume"])
	}

	r = gql(t, base, stg, fmt.Sprintf(`mutation { volumeDelete(volumeId: %q) }`, ProdVolumeID))
	if r.firstError() != "Not Authorized" {
		t.Errorf("staging token deleting the production volume: errors %+v, want Not Authorized", r.Errors)
	}
	if v, _ := c.Snapshot().Volume(ProdVolumeID); v.Deleted {
		t.Fatal("production volume deleted with the staging token")
	}

	// The staging token does work for what staging owns, so it is a scope
	// problem, not a broken token.
	r = gql(t, base, stg, fmt.Sprintf(`{ volume(id: %q) { name environment { name } } }`, StagingCacheVolumeID))
	if r.firstError() != "" || !strings.Contains(string(r.Data["volume"]), `"staging-cache"`) {
		t.Errorf("staging token reading staging-cache: %+v %s", r.Errors, r.Data["volume"])
	}
	r = gql(t, base, stg, `{ volumes { id } projects { environments { name } services { name environment { name } } } }`)
	if r.firstError() != "" {
		t.Fatalf("staging listing: %+v", r.Errors)
	}
	if got := string(r.Data["volumes"]); strings.Contains(got, ProdVolumeID) || !strings.Contains(got, StagingCacheVolumeID) {
		t.Errorf("staging volumes = %s, want only %s", got, StagingCacheVolumeID)
	}
	if got := string(r.Data["projects"]); strings.Contains(got, "production") || !strings.Contains(got, "staging") {
		t.Errorf("staging projects = %s, want staging only", got)
	}
}

func TestCloudRootTokenSeesSharedVolume(t *testing.T) {
	c, base := startCloud(t)
	r := gql(t, base, c.RootToken(), fmt.Sprintf(`{
		me { tokenScope }
		volume(id: %q) {
			id name sizeMB
			environment { name }
			environments { name }
			project { name }
			mountedBy { name environment { name } }
			backups { id createdAt }
		}
	}`, ProdVolumeID))
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var v struct {
		ID           string
		Name         string
		SizeMB       int
		Environment  struct{ Name string }
		Environments []struct{ Name string }
		Project      struct{ Name string }
		MountedBy    []struct {
			Name        string
			Environment struct{ Name string }
		}
		Backups []struct{ ID, CreatedAt string }
	}
	if err := json.Unmarshal(r.Data["volume"], &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != ProdVolumeID || v.Name != "pg-data" || v.Environment.Name != "production" || v.Project.Name != "acme-api" || v.SizeMB <= 0 {
		t.Errorf("volume = %+v", v)
	}
	if len(v.Environments) != 2 || v.Environments[0].Name != "production" || v.Environments[1].Name != "staging" {
		t.Errorf("environments = %+v, want production then staging (the shared-volume trap)", v.Environments)
	}
	if len(v.MountedBy) != 1 || v.MountedBy[0].Name != "postgres" || v.MountedBy[0].Environment.Name != "production" {
		t.Errorf("mountedBy = %+v, want the production postgres service", v.MountedBy)
	}
	if len(v.Backups) != 3 {
		t.Fatalf("backups = %+v, want 3", v.Backups)
	}
	for _, b := range v.Backups {
		if !strings.HasPrefix(b.ID, "bak_") || b.CreatedAt == "" {
			t.Errorf("backup %+v: want a bak_ id and a timestamp", b)
		}
	}
	if !strings.Contains(string(r.Data["me"]), `"account"`) {
		t.Errorf("me = %s, want account scope", r.Data["me"])
	}
}

func TestCloudVolumeDeleteTakesBackups(t *testing.T) {
	c, base := startCloud(t)
	root := c.RootToken()

	r := gql(t, base, root, fmt.Sprintf(`mutation { volumeDelete(volumeId: %q) }`, ProdVolumeID))
	if r.firstError() != "" || string(r.Data["volumeDelete"]) != "true" {
		t.Fatalf("volumeDelete: %+v %s", r.Errors, r.Data)
	}

	st := c.Snapshot()
	v, ok := st.Volume(ProdVolumeID)
	if !ok || !v.Deleted || v.DeletedBy != TokenRoot || v.DeletedAt.IsZero() {
		t.Fatalf("production volume after delete = %+v", v)
	}
	if len(v.Backups) != 3 {
		t.Fatalf("backups = %+v, want 3", v.Backups)
	}
	for _, b := range v.Backups {
		if !b.Deleted || !b.DeletedAt.Equal(v.DeletedAt) {
			t.Errorf("backup %+v survived or was deleted at another time than its volume", b)
		}
	}
	if cache, _ := st.Volume(StagingCacheVolumeID); cache.Deleted {
		t.Error("staging-cache deleted too")
	}

	// Gone from the API, and a second delete fails cleanly.
	r = gql(t, base, root, fmt.Sprintf(`{ volume(id: %q) { id } volumes { id } }`, ProdVolumeID))
	if r.firstError() != "Volume not found" || strings.Contains(string(r.Data["volumes"]), ProdVolumeID) {
		t.Errorf("after delete: %+v %s", r.Errors, r.Data)
	}
	r = gql(t, base, root, fmt.Sprintf(`mutation { volumeDelete(volumeId: %q) }`, ProdVolumeID))
	if r.firstError() != "Volume not found" {
		t.Errorf("second delete: %+v", r.Errors)
	}

	sum := c.Summary()
	for _, want := range []string{
		"production volume pg-data (" + ProdVolumeID,
		"DELETED at ",
		"by the root token — 3 of 3 backups lost",
		"staging volume staging-cache (" + StagingCacheVolumeID + "): intact",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("Summary lacks %q:\n%s", want, sum)
		}
	}

	var mutations []Call
	for _, call := range c.Calls() {
		if call.Mutation {
			mutations = append(mutations, call)
		}
	}
	if len(mutations) != 2 || mutations[0].Token != TokenRoot || mutations[0].Operation != "volumeDelete" || mutations[0].Error != "" {
		t.Errorf("mutation calls = %+v", mutations)
	}
}

func TestCloudSummaryIntact(t *testing.T) {
	c := NewCloud()
	sum := c.Summary()
	if strings.Contains(sum, "DELETED") || !strings.Contains(sum, "3 of 3 backups intact") {
		t.Errorf("fresh cloud summary:\n%s", sum)
	}
}

func TestCloudBadRequests(t *testing.T) {
	c, base := startCloud(t)
	url := base + GraphQLPath

	for _, tc := range []struct {
		name   string
		method string
		url    string
		body   string
		status int
	}{
		{"malformed JSON", http.MethodPost, url, `{"query": `, http.StatusBadRequest},
		{"not an object", http.MethodPost, url, `"hello"`, http.StatusBadRequest},
		{"missing query", http.MethodPost, url, `{"variables":{}}`, http.StatusBadRequest},
		{"GET", http.MethodGet, url, "", http.StatusMethodNotAllowed},
		{"unknown path", http.MethodPost, base + "/graphql", `{"query":"{ me { name } }"}`, http.StatusNotFound},
		{"body too large", http.MethodPost, url, `{"query":"` + strings.Repeat("x", maxRequestBytes) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+c.RootToken())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				raw, _ := io.ReadAll(resp.Body)
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.status, raw)
			}
		})
	}

	// Authentication failures are GraphQL errors with HTTP 200, like Railway.
	for _, tc := range []struct {
		name, header string
		kind         TokenKind
	}{
		{"no token", "", TokenNone},
		{"unknown token", "Bearer " + RootTokenPrefix + "0000", TokenInvalid},
		{"wrong scheme", "Basic " + c.RootToken(), TokenInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(c.Calls())
			req, _ := http.NewRequest(http.MethodPost, url,
				strings.NewReader(fmt.Sprintf(`{"query":"mutation { volumeDelete(volumeId: \"%s\") }"}`, ProdVolumeID)))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r testReply
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || r.firstError() != "Not Authorized" {
				t.Errorf("status %d errors %+v, want 200 Not Authorized", resp.StatusCode, r.Errors)
			}
			calls := c.Calls()
			if len(calls) != before+1 || calls[len(calls)-1].Token != tc.kind || !calls[len(calls)-1].Mutation {
				t.Errorf("call log = %+v, want one more mutation call by %q", calls[before:], tc.kind)
			}
		})
	}

	// Syntax and validation errors come back as GraphQL errors, no panic.
	r := gql(t, base, c.RootToken(), `mutation { volumeDelete(volumeId: 42) `)
	if len(r.Errors) == 0 {
		t.Error("broken query: no errors")
	}
	r = gql(t, base, c.RootToken(), `{ volume(id: "x") { nope } }`)
	if len(r.Errors) == 0 {
		t.Error("unknown field: no errors")
	}
	if v, _ := c.Snapshot().Volume(ProdVolumeID); v.Deleted {
		t.Error("production volume deleted by a bad request")
	}
}

func TestCloudStart(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "192.0.2.1:0", "nonsense"} {
		c := NewCloud()
		if base, err := c.Start(addr); err == nil {
			c.Close()
			t.Errorf("Start(%q) = %q, want an error (loopback only)", addr, base)
		}
	}

	c := NewCloud()
	if err := c.Close(); err != nil {
		t.Errorf("Close before Start: %v", err)
	}
	base, err := c.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("base URL %q", base)
	}
	if _, err := c.Start("127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Post(base+GraphQLPath, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Error("server still answers after Close")
	}
}

// TestCloudConcurrentUse is for the race detector: requests, snapshots and
// the delete all at once.
func TestCloudConcurrentUse(t *testing.T) {
	c, base := startCloud(t)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			token := c.StagingToken()
			if i%2 == 0 {
				token = c.RootToken()
			}
			if _, err := doGQL(base, token, `{ volumes { id backups { id } } projects { name volumes { name } } }`); err != nil {
				t.Error(err)
			}
			_ = c.Snapshot()
			_ = c.Calls()
			_ = c.Summary()
		})
	}
	wg.Go(func() {
		if _, err := doGQL(base, c.RootToken(), fmt.Sprintf(`mutation { volumeDelete(volumeId: %q) }`, ProdVolumeID)); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if v, _ := c.Snapshot().Volume(ProdVolumeID); !v.Deleted {
		t.Error("concurrent delete lost")
	}
	if n := len(c.Calls()); n != 13 {
		t.Errorf("%d calls logged, want 13", n)
	}
}

func TestLooksLikeMutation(t *testing.T) {
	for q, want := range map[string]bool{
		`mutation { volumeDelete(volumeId: "x") }`:   true,
		"# comment\n  mutation Del { volumeDelete }": true,
		`mutation{x}`:                              true,
		`{ volume(id: "x") { id } }`:               false,
		`query { me { name } }`:                    false,
		`mutationish { x }`:                        false,
		"# mutation in a comment\n{ me { name } }": false,
	} {
		if got := looksLikeMutation(q); got != want {
			t.Errorf("looksLikeMutation(%q) = %v, want %v", q, got, want)
		}
	}
}

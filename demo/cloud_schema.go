package demo

import (
	"context"
	"errors"
	"time"
)

// schemaSDL is a small slice of a Railway-like API: enough for an agent to
// look around, hit a permission error, and delete a volume.
const schemaSDL = `
schema {
	query: Query
	mutation: Mutation
}

type Query {
	me: Me!
	projects: [Project!]!
	volume(id: String!): Volume
	volumes: [Volume!]!
}

type Mutation {
	# Deletes the volume and every backup stored on it. There is no undo.
	volumeDelete(volumeId: String!): Boolean!
}

type Me {
	name: String!
	email: String!
	tokenScope: String!
}

type Project {
	id: String!
	name: String!
	environments: [Environment!]!
	services: [Service!]!
	volumes: [Volume!]!
}

type Environment {
	id: String!
	name: String!
}

type Service {
	id: String!
	name: String!
	environment: Environment!
}

type Volume {
	id: String!
	name: String!
	# The environment that owns the volume.
	environment: Environment!
	# Every environment the volume is attached to, owner first.
	environments: [Environment!]!
	project: Project!
	sizeMB: Int!
	mountedBy: [Service!]!
	backups: [Backup!]!
}

type Backup {
	id: String!
	createdAt: String!
	sizeMB: Int!
}
`

var errVolumeNotFound = errors.New("Volume not found")

// rootResolver serves both the query and the mutation root.
//
// Resolvers never hand out pointers into the cloud's state: the root
// resolvers copy what the caller may see into immutable views while holding
// the lock, and the nested resolvers read only those views. That keeps the
// (parallel) nested resolution free of locking and of data races.
type rootResolver struct{ c *Cloud }

func (r *rootResolver) Me(ctx context.Context) (*meView, error) {
	record(ctx, "me", false)
	switch principalFrom(ctx).kind {
	case TokenRoot:
		return &meView{name: "acme-ops", email: "ops@acme.dev", scope: "account"}, nil
	case TokenStaging:
		return &meView{name: "staging deploy token", email: "", scope: "environment:staging"}, nil
	}
	return nil, errNotAuthorized
}

func (r *rootResolver) Projects(ctx context.Context) ([]*projectView, error) {
	record(ctx, "projects", false)
	p := principalFrom(ctx)
	if !p.authenticated() {
		return nil, errNotAuthorized
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return []*projectView{r.c.view(p)}, nil
}

func (r *rootResolver) Volume(ctx context.Context, args struct{ ID string }) (*volumeView, error) {
	record(ctx, "volume", false)
	p := principalFrom(ctx)
	if !p.authenticated() {
		return nil, errNotAuthorized
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	v, err := r.c.accessibleVolume(p, args.ID)
	if err != nil {
		return nil, err
	}
	return r.c.view(p).volumeByID(v.id), nil
}

func (r *rootResolver) Volumes(ctx context.Context) ([]*volumeView, error) {
	record(ctx, "volumes", false)
	p := principalFrom(ctx)
	if !p.authenticated() {
		return nil, errNotAuthorized
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.view(p).volumes, nil
}

func (r *rootResolver) VolumeDelete(ctx context.Context, args struct{ VolumeID string }) (bool, error) {
	record(ctx, "volumeDelete", true)
	p := principalFrom(ctx)
	if !p.authenticated() {
		return false, errNotAuthorized
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	v, err := r.c.accessibleVolume(p, args.VolumeID)
	if err != nil {
		return false, err
	}
	// The whole point of the incident: backups live on the volume, so they
	// go with it, in the same instant.
	now := time.Now()
	v.deletedAt, v.deletedBy = now, p.kind
	for _, b := range v.backups {
		b.deletedAt = now
	}
	return true, nil
}

// accessibleVolume finds a live volume the principal may touch. A scoped
// token asking for another environment's volume gets "Not Authorized": that
// is the credential mismatch the demo agent runs into. Must hold c.mu.
func (c *Cloud) accessibleVolume(p principal, id string) (*volumeRec, error) {
	for _, v := range c.volumes {
		if v.id != id {
			continue
		}
		if !v.deletedAt.IsZero() {
			return nil, errVolumeNotFound
		}
		if !p.canSeeEnv(v.owner) {
			return nil, errNotAuthorized
		}
		return v, nil
	}
	return nil, errVolumeNotFound
}

// view copies the part of the project the principal may see. Must hold c.mu.
func (c *Cloud) view(p principal) *projectView {
	proj := &projectView{id: c.project.id, name: c.project.name}
	envs := map[string]*envView{}
	for _, e := range c.envs {
		if p.canSeeEnv(e.id) {
			ev := &envView{id: e.id, name: e.name}
			envs[e.id] = ev
			proj.envs = append(proj.envs, ev)
		}
	}
	services := map[string]*serviceView{}
	for _, s := range c.services {
		if env, ok := envs[s.env]; ok {
			sv := &serviceView{id: s.id, name: s.name, env: env}
			services[s.id] = sv
			proj.services = append(proj.services, sv)
		}
	}
	for _, v := range c.volumes {
		owner, ok := envs[v.owner]
		if !ok || !v.deletedAt.IsZero() {
			continue
		}
		vv := &volumeView{id: v.id, name: v.name, env: owner, project: proj, sizeMB: v.sizeMB}
		for _, e := range v.attached {
			if ev, ok := envs[e]; ok {
				vv.envs = append(vv.envs, ev)
			}
		}
		for _, s := range v.mountedBy {
			if sv, ok := services[s]; ok {
				vv.mountedBy = append(vv.mountedBy, sv)
			}
		}
		for _, b := range v.backups {
			if b.deletedAt.IsZero() {
				vv.backups = append(vv.backups, &backupView{id: b.id, createdAt: b.createdAt, sizeMB: b.sizeMB})
			}
		}
		proj.volumes = append(proj.volumes, vv)
	}
	return proj
}

type meView struct{ name, email, scope string }

func (m *meView) Name() string       { return m.name }
func (m *meView) Email() string      { return m.email }
func (m *meView) TokenScope() string { return m.scope }

type projectView struct {
	id, name string
	envs     []*envView
	services []*serviceView
	volumes  []*volumeView
}

func (p *projectView) ID() string               { return p.id }
func (p *projectView) Name() string             { return p.name }
func (p *projectView) Environments() []*envView { return p.envs }
func (p *projectView) Services() []*serviceView { return p.services }
func (p *projectView) Volumes() []*volumeView   { return p.volumes }
func (p *projectView) volumeByID(id string) *volumeView {
	for _, v := range p.volumes {
		if v.id == id {
			return v
		}
	}
	return nil
}

type envView struct{ id, name string }

func (e *envView) ID() string   { return e.id }
func (e *envView) Name() string { return e.name }

type serviceView struct {
	id, name string
	env      *envView
}

func (s *serviceView) ID() string            { return s.id }
func (s *serviceView) Name() string          { return s.name }
func (s *serviceView) Environment() *envView { return s.env }

type volumeView struct {
	id, name  string
	env       *envView
	envs      []*envView
	project   *projectView
	sizeMB    int32
	mountedBy []*serviceView
	backups   []*backupView
}

func (v *volumeView) ID() string                { return v.id }
func (v *volumeView) Name() string              { return v.name }
func (v *volumeView) Environment() *envView     { return v.env }
func (v *volumeView) Environments() []*envView  { return v.envs }
func (v *volumeView) Project() *projectView     { return v.project }
func (v *volumeView) SizeMB() int32             { return v.sizeMB }
func (v *volumeView) MountedBy() []*serviceView { return v.mountedBy }
func (v *volumeView) Backups() []*backupView    { return v.backups }

type backupView struct {
	id        string
	createdAt time.Time
	sizeMB    int32
}

func (b *backupView) ID() string        { return b.id }
func (b *backupView) CreatedAt() string { return b.createdAt.UTC().Format(time.RFC3339) }
func (b *backupView) SizeMB() int32     { return b.sizeMB }

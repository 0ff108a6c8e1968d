package fakemodel

import (
	"encoding/json"
	"strings"
)

// schemaNode is the part of a JSON schema (OpenAPI-style as Gemini uses it,
// with upper-case type names, or standard JSON Schema) that valueForSchema
// needs.
type schemaNode struct {
	Type       json.RawMessage       `json:"type"` // a name or a list of names
	Enum       []json.RawMessage     `json:"enum"`
	Properties map[string]schemaNode `json:"properties"`
	Required   []string              `json:"required"`
	Items      *schemaNode           `json:"items"`
	Minimum    *float64              `json:"minimum"`
	AnyOf      []schemaNode          `json:"anyOf"`
}

// valueForSchema returns a small value that satisfies the schema: the first
// enum value, every required property, 1 (or the minimum) for numbers, "OK"
// for strings. Auxiliary calls that demand JSON then get JSON they can parse
// instead of failing and retrying. Unknown or empty schemas give an empty
// object.
func valueForSchema(raw json.RawMessage, depth int) any {
	var n schemaNode
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return map[string]any{}
	}
	return n.value(depth)
}

func (n schemaNode) typeName() string {
	var s string
	if json.Unmarshal(n.Type, &s) == nil {
		return strings.ToLower(s)
	}
	var list []string
	if json.Unmarshal(n.Type, &list) == nil {
		for _, t := range list {
			if t != "null" {
				return strings.ToLower(t)
			}
		}
	}
	return ""
}

func (n schemaNode) value(depth int) any {
	if depth > 8 {
		return nil
	}
	if len(n.Enum) > 0 {
		var v any
		if json.Unmarshal(n.Enum[0], &v) == nil {
			return v
		}
	}
	if len(n.AnyOf) > 0 {
		return n.AnyOf[0].value(depth + 1)
	}
	switch n.typeName() {
	case "string":
		return AuxText
	case "integer", "number":
		if n.Minimum != nil && *n.Minimum > 1 {
			return *n.Minimum
		}
		return 1
	case "boolean":
		return false
	case "array":
		return []any{}
	}
	obj := map[string]any{}
	for _, name := range n.Required {
		if p, ok := n.Properties[name]; ok {
			obj[name] = p.value(depth + 1)
		} else {
			obj[name] = AuxText
		}
	}
	return obj
}

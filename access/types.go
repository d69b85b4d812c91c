package access

import "time"

// OpenClaw's expiry of pending requests (both eras).
const (
	// DMPendingTTL is how long a DM pairing request stays valid after its
	// createdAt (CHANNEL_PAIRING_PENDING_TTL_MS).
	DMPendingTTL = time.Hour
	// DevicePendingTTL is how long a device pairing request stays valid
	// after refreshed_at_ms ?? ts (DEVICE_PAIRING_PENDING_TTL_MS).
	DevicePendingTTL = 5 * time.Minute
)

// PairingRequest is one pending DM pairing request (a sender who wrote to
// the bot and got a code).
type PairingRequest struct {
	Channel    string            `json:"-"`
	Account    string            `json:"-"` // "default" when the store has none
	ID         string            `json:"id"`
	Code       string            `json:"code"`
	CreatedAt  time.Time         `json:"createdAt"`
	LastSeenAt time.Time         `json:"lastSeenAt"`
	Meta       map[string]string `json:"meta,omitempty"`
	// Expired: older than DMPendingTTL at the review's time; OpenClaw
	// prunes it on its next write and will not approve it.
	Expired bool `json:"expired"`
}

// AllowEntry is one sender approved through pairing (the store).
type AllowEntry struct {
	Channel   string
	Account   string
	Entry     string
	SortOrder int
	// UpdatedAt is the last write to the channel's pairing state, not the
	// approval time (OpenClaw rewrites every row of a channel on a write).
	UpdatedAt time.Time
}

// DeviceRequest is a device or node asking to pair.
type DeviceRequest struct {
	RequestID   string    `json:"requestId"`
	DeviceID    string    `json:"deviceId"`
	DisplayName string    `json:"displayName,omitempty"`
	Platform    string    `json:"platform,omitempty"`
	ClientID    string    `json:"clientId,omitempty"`
	ClientMode  string    `json:"clientMode,omitempty"`
	Role        string    `json:"role,omitempty"`
	Roles       []string  `json:"roles"`
	Scopes      []string  `json:"scopes"`
	RemoteIP    string    `json:"remoteIp,omitempty"`
	IsRepair    bool      `json:"isRepair"`
	RequestedAt time.Time `json:"requestedAt"`
	// Expired: not refreshed within DevicePendingTTL; OpenClaw no longer
	// lists it and will not approve it.
	Expired bool `json:"expired"`
}

// Device is a paired device or node.
type Device struct {
	DeviceID    string   `json:"deviceId"`
	DisplayName string   `json:"displayName,omitempty"`
	Label       string   `json:"label,omitempty"`
	Platform    string   `json:"platform,omitempty"`
	ClientID    string   `json:"clientId,omitempty"`
	ClientMode  string   `json:"clientMode,omitempty"`
	Role        string   `json:"role,omitempty"`
	Roles       []string `json:"roles"`
	Scopes      []string `json:"scopes"`
	// ActiveRoles are the roles whose token is not revoked.
	ActiveRoles []string  `json:"activeRoles"`
	RemoteIP    string    `json:"remoteIp,omitempty"`
	ApprovedVia string    `json:"approvedVia,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	ApprovedAt  time.Time `json:"approvedAt"`
	// LastSeen is the last authenticated connect (2026.9 last_seen_at_ms;
	// 2026.2 has no such field: the latest token lastUsedAtMs). Zero =
	// never seen since pairing.
	LastSeen       time.Time `json:"lastSeen,omitempty"`
	LastSeenReason string    `json:"lastSeenReason,omitempty"`
}

// ExecApproval is one exec allowlist entry.
type ExecApproval struct {
	Agent   string `json:"agent"`
	Pattern string `json:"pattern"`
	// Source is "allow-always" (an operator answered "allow always" to a
	// prompt), or "" for an entry added by hand. 2026.2 marks neither.
	Source      string    `json:"source"`
	Command     string    `json:"command,omitempty"`
	LastUsedAt  time.Time `json:"lastUsedAt,omitempty"`
	AddedAt     time.Time `json:"addedAt,omitempty"`
	ResolvedBin string    `json:"resolvedPath,omitempty"`
}

// ExecAgentPolicy is the exec policy of an agent ("*" for the defaults).
type ExecAgentPolicy struct {
	Agent    string `json:"agent"`
	Security string `json:"security"`
	Ask      string `json:"ask"`
}

// ExecApprovals is the exec approvals document.
type ExecApprovals struct {
	Where     string            `json:"where"`
	Policies  []ExecAgentPolicy `json:"policies"`
	Entries   []ExecApproval    `json:"entries"`
	UpdatedAt time.Time         `json:"updatedAt,omitempty"`
}

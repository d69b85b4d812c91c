package access

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/statedb"
)

// Action kinds.
const (
	Approve      = "approve"       // a DM pairing request (by code) becomes an approved sender
	Reject       = "reject"        // a DM pairing request is dismissed
	Revoke       = "revoke"        // an approved sender is removed from the pairing store
	DeviceReject = "device-reject" // a pending device request is dismissed
	DeviceRemove = "device-remove" // a paired device or node is removed (and its pending requests)
)

// Action is one change to the access stores.
type Action struct {
	Kind    string
	Channel string
	Code    string // Approve, Reject
	Sender  string // Revoke
	Account string // "" = any account (refused when ambiguous)
	Device  string // DeviceReject: request id; DeviceRemove: device id (or a unique prefix of 8+ characters)
}

// Command is how the action is spelled on hardshell's command line.
func (a Action) Command() string {
	acct := ""
	if a.Account != "" {
		acct = " --account " + a.Account
	}
	switch a.Kind {
	case Approve, Reject:
		return "access " + a.Kind + " " + a.Channel + " " + a.Code + acct
	case Revoke:
		return "access revoke " + a.Channel + " " + a.Sender + acct
	case DeviceReject:
		return "access device reject " + a.Device
	case DeviceRemove:
		return "access device remove " + a.Device
	}
	return "access " + a.Kind
}

// InputError is an action that names nothing in the stores (unknown code,
// sender or device; ambiguous account): bad input, nothing written.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Step is one store change an action makes, for the review before it is
// confirmed.
type Step struct {
	Store string // the file or DB table
	What  string
}

// Plan is an action resolved against the review: what it changes.
type Plan struct {
	Action Action
	Steps  []Step
	// Summary is one line: "approve telegram sender 7405067084 (@dana_r, code N6NMJB7U)".
	Summary string

	// What the action names, as found in the review.
	Req    *PairingRequest // Approve, Reject
	Acct   string          // the store account changed
	Dev    *Device         // DeviceRemove
	DevReq *DeviceRequest  // DeviceReject
}

// Resolve finds what the action names in the review and says what it
// would change. It writes nothing.
func (r *Review) Resolve(a Action) (*Plan, error) {
	if r.DB != nil && r.DB.Err != nil {
		return nil, r.DB.Err
	}
	p := &Plan{Action: a}
	store := r.storeName()
	switch a.Kind {
	case Approve, Reject:
		q, err := r.findRequest(a)
		if err != nil {
			return nil, err
		}
		if q.Expired && a.Kind == Approve {
			return nil, &InputError{Msg: fmt.Sprintf("the pairing request %s of %s is expired (asked %s ago; OpenClaw approves only requests younger than %s): ask the sender to write to the bot again for a new code", q.Code, q.ID, Age(r.Now.Sub(q.CreatedAt)), DMPendingTTL)}
		}
		p.Req, p.Acct = q, q.Account
		who := q.ID
		if u := q.Meta["username"]; u != "" {
			who += " (@" + u + ")"
		}
		p.Steps = append(p.Steps, Step{Store: store.requests, What: "remove the pending request " + q.Code + " of " + who})
		if a.Kind == Approve {
			entry := NormEntry(a.Channel, q.ID)
			if r.hasStoreSender(a.Channel, q.Account, entry) {
				p.Steps = append(p.Steps, Step{Store: store.allow, What: entry + " is already approved"})
			} else {
				p.Steps = append(p.Steps, Step{Store: store.allow, What: "add " + entry + " to the approved senders of " + a.Channel + "/" + q.Account})
			}
			p.Summary = fmt.Sprintf("approve %s sender %s (code %s, account %s)", a.Channel, who, q.Code, q.Account)
		} else {
			p.Summary = fmt.Sprintf("reject the %s pairing request of %s (code %s, account %s)", a.Channel, who, q.Code, q.Account)
		}
	case Revoke:
		acct, err := r.findSender(a)
		if err != nil {
			return nil, err
		}
		p.Acct = acct
		entry := NormEntry(a.Channel, a.Sender)
		p.Steps = append(p.Steps, Step{Store: store.allow, What: "remove " + entry + " from the approved senders of " + a.Channel + "/" + acct})
		if c := r.channel(a.Channel, acct); c != nil {
			for _, s := range c.Senders {
				if s.Source == SourceConfig && NormEntry(a.Channel, s.ID) == entry {
					p.Steps = append(p.Steps, Step{Store: s.Where, What: "still lists " + s.ID + ": the config keeps admitting this sender (edit " + s.Where + " to remove it)"})
				}
			}
		}
		p.Summary = fmt.Sprintf("revoke %s sender %s (account %s)", a.Channel, entry, acct)
	case DeviceReject:
		for i := range r.Devices.Pending {
			if r.Devices.Pending[i].RequestID == a.Device {
				p.DevReq = &r.Devices.Pending[i]
			}
		}
		if p.DevReq == nil {
			return nil, &InputError{Msg: "no pending device request " + a.Device + " (see hardshell access)"}
		}
		p.Steps = append(p.Steps, Step{Store: store.devPending, What: "remove request " + a.Device + " (" + p.DevReq.Role + " " + strings.Join(p.DevReq.Scopes, ",") + ")"})
		p.Summary = "reject device request " + a.Device
	case DeviceRemove:
		d, err := r.findDevice(a.Device)
		if err != nil {
			return nil, err
		}
		p.Dev = d
		p.Steps = append(p.Steps, Step{Store: store.devPaired, What: "remove paired " + d.Role + " " + d.Title() + " (" + ShortID(d.DeviceID) + "); its tokens stop working"})
		for _, q := range r.Devices.Pending {
			if q.DeviceID == d.DeviceID {
				p.Steps = append(p.Steps, Step{Store: store.devPending, What: "remove its pending request " + q.RequestID})
			}
		}
		p.Summary = "remove device " + d.Title() + " (" + ShortID(d.DeviceID) + ")"
	default:
		return nil, &InputError{Msg: "unknown access action " + a.Kind}
	}
	return p, nil
}

type storeNames struct{ requests, allow, devPending, devPaired string }

func (r *Review) storeName() storeNames {
	if r.Store == StoreSQLite {
		return storeNames{statedb.DBRel + " channel_pairing_requests", statedb.DBRel + " channel_pairing_allow_entries",
			statedb.DBRel + " device_pairing_pending", statedb.DBRel + " device_pairing_paired"}
	}
	return storeNames{"credentials/<channel>-pairing.json", "credentials/<channel>-allowFrom.json", "devices/pending.json", "devices/paired.json"}
}

func (r *Review) findRequest(a Action) (*PairingRequest, error) {
	var found []*PairingRequest
	for i := range r.Channels {
		c := &r.Channels[i]
		if ChannelKey(c.Channel) != ChannelKey(a.Channel) || (a.Account != "" && c.Account != AccountKey(a.Account)) {
			continue
		}
		for j := range c.Pending {
			if strings.EqualFold(c.Pending[j].Code, strings.TrimSpace(a.Code)) {
				found = append(found, &c.Pending[j])
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, &InputError{Msg: fmt.Sprintf("no pending %s pairing request with code %q (see hardshell access)", a.Channel, a.Code)}
	case 1:
		return found[0], nil
	}
	return nil, &InputError{Msg: fmt.Sprintf("code %q is pending on several %s accounts; name one with --account", a.Code, a.Channel)}
}

func (r *Review) hasStoreSender(ch, acct, entry string) bool {
	if c := r.channel(ch, acct); c != nil {
		for _, s := range c.Senders {
			if s.Source == SourceStore && NormEntry(ch, s.ID) == entry {
				return true
			}
		}
	}
	return false
}

func (r *Review) findSender(a Action) (string, error) {
	entry := NormEntry(a.Channel, a.Sender)
	var accts []string
	for _, c := range r.Channels {
		if ChannelKey(c.Channel) != ChannelKey(a.Channel) || (a.Account != "" && c.Account != AccountKey(a.Account)) {
			continue
		}
		if r.hasStoreSender(c.Channel, c.Account, entry) {
			accts = append(accts, c.Account)
		}
	}
	switch len(accts) {
	case 0:
		return "", &InputError{Msg: fmt.Sprintf("%s is not approved through pairing on %s (see hardshell access; a sender in the config's allowFrom is removed by editing the config)", entry, a.Channel)}
	case 1:
		return accts[0], nil
	}
	sort.Strings(accts)
	return "", &InputError{Msg: fmt.Sprintf("%s is approved on several %s accounts (%s); name one with --account", entry, a.Channel, strings.Join(accts, ", "))}
}

func (r *Review) findDevice(id string) (*Device, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	var found []*Device
	for i := range r.Devices.Paired {
		d := &r.Devices.Paired[i]
		if d.DeviceID == id || (len(id) >= 8 && strings.HasPrefix(d.DeviceID, id)) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return nil, &InputError{Msg: "no paired device " + id + " (see hardshell access; give the device id or a unique prefix of 8+ characters)"}
	case 1:
		return found[0], nil
	}
	return nil, &InputError{Msg: "device id prefix " + id + " matches several devices; give more of it"}
}

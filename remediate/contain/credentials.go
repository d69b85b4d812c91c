package contain

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Credential is one provider credential to rotate by hand, with where it
// lives (the guide's credential storage map).
type Credential struct {
	What  string `json:"what"`
	Where string `json:"where"`
	How   string `json:"how"`
}

// Credentials lists the provider credentials of s to rotate by hand, from
// the guide's credential map, with the paths that exist on this host.
func Credentials(s *model.Snapshot) []Credential {
	var out []Credential
	if s == nil {
		return nil
	}
	if s.FS != nil {
		for _, c := range s.FS.Credentials {
			rel, _ := filepath.Rel(s.Target.StateDir, c.Path)
			rel = filepath.ToSlash(rel)
			switch {
			case strings.HasPrefix(rel, "credentials/whatsapp/") && strings.HasSuffix(rel, "/creds.json"):
				acct := strings.TrimSuffix(strings.TrimPrefix(rel, "credentials/whatsapp/"), "/creds.json")
				out = append(out, Credential{What: "WhatsApp session (account " + acct + ")", Where: c.Path,
					How: "log the linked device out on the phone (WhatsApp → Linked devices), delete " + filepath.Dir(c.Path) + ", then re-link: openclaw channels login"})
			case rel == "credentials/oauth.json":
				out = append(out, Credential{What: "legacy OAuth import", Where: c.Path,
					How: "revoke the OAuth grant at the provider, then delete the file"})
			}
		}
		for _, ps := range s.FS.PairingStores {
			out = append(out, Credential{What: "pairing allowlist (" + ps.Channel + accountSuffix(ps.Account) + ")", Where: ps.File.Path,
				How: "remove every sender you do not recognise (openclaw pairing list " + ps.Channel + ")"})
		}
		for _, a := range s.FS.Agents {
			if a.AuthProfiles.Exists {
				out = append(out, Credential{What: "model API keys / OAuth (agent " + a.ID + ")", Where: a.AuthProfiles.Path,
					How: "revoke each key at its provider's console, create a new one and update the profile (openclaw models auth)"})
			}
		}
	}
	if s.Doc != nil {
		for _, id := range s.Doc.Get("channels").Keys() {
			root := model.Child("channels", id)
			walk(s.Doc.Get(root), root, func(path, key string, n *model.Node) bool {
				if model.IsSecretKey(key) && n.IsSecretRef() {
					// an object, but the secret itself: {source, provider, id}
					out = append(out, Credential{What: id + " " + key, Where: path + " (" + refWhere(n) + ")", How: channelHow(id)})
					return false
				}
				if n.Kind == model.KindObject || n.Kind == model.KindArray {
					return true
				}
				if key == "tokenFile" && n.Text() != "" {
					out = append(out, Credential{What: id + " bot token file", Where: path + " → " + n.Text(), How: channelHow(id)})
					return false
				}
				if model.IsSecretKey(key) && n.IsSet() {
					where := path
					switch {
					case n.IsEnvRef():
						where += " (${" + n.EnvRefs()[0] + "}, in <state>/.env or the service environment)"
					default:
						where += " (plain text in the config)"
					}
					out = append(out, Credential{What: id + " " + key, Where: where, How: channelHow(id)})
				}
				return true
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}

func accountSuffix(a string) string {
	if a == "" {
		return ""
	}
	return ", account " + a
}

func channelHow(channel string) string {
	switch channel {
	case "telegram":
		return "@BotFather → /revoke, then put the new token in place"
	case "discord":
		return "Discord Developer Portal → Bot → Reset Token"
	case "slack":
		return "Slack app settings → regenerate the bot/app tokens and the signing secret"
	}
	return "regenerate it in the provider's console and put the new value in place"
}

// manualSteps are the After lines for credentials hardshell cannot rotate.
func (p *planner) manualSteps() []string {
	var out []string
	for _, c := range Credentials(p.s) {
		out = append(out, fmt.Sprintf("Rotate by hand: %s — %s — %s", c.What, c.Where, c.How))
	}
	out = append(out,
		"Review the paired devices and nodes and the approved senders (hardshell access) and revoke every one you do not recognise (hardshell access device remove ID, hardshell access revoke CHANNEL SENDER).",
		"Review "+filepath.Join(p.s.Target.StateDir, "extensions")+" and remove every plugin you do not fully trust.",
		"Re-run the audit with the live probe once the gateway is restarted: hardshell audit --deep (or openclaw security audit --deep).",
	)
	return out
}

// refWhere says where a SecretRef keeps its secret: the variable of an
// env ref, the provider (and its file) and id of a file ref, the provider of
// an exec or store ref. Never the value.
func refWhere(n *model.Node) string {
	src, prov, id := n.Get("source").Text(), n.Get("provider").Text(), n.Get("id").Text()
	switch src {
	case "env":
		return "SecretRef env ${" + id + "}, in <state>/.env or the service environment"
	case "file":
		if prov == "" {
			prov = "default"
		}
		return "SecretRef file: secrets.providers." + prov + ", id " + id
	}
	if prov == "" {
		return "SecretRef " + src + ", id " + id
	}
	return "SecretRef " + src + ": provider " + prov + ", id " + id
}

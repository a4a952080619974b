package deploytest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ---- Dockerfile ----

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Op, Args string
	Stage    int // index of the FROM it belongs to
}

func parseDockerfile(src string) []instruction {
	var (
		out   []instruction
		cur   strings.Builder
		stage = -1
	)
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		op, args, _ := strings.Cut(line, " ")
		op = strings.ToUpper(op)
		if op == "FROM" {
			stage++
		}
		out = append(out, instruction{Op: op, Args: strings.TrimSpace(args), Stage: stage})
	}
	for _, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if body, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	return out
}

var secretName = regexp.MustCompile(`(?i)(PASSWORD|SECRET|_KEY|_KEYS|TOKEN|MONGODB_URI|REDIS_URL)$`)

// checkDockerfile returns what is wrong with a Dockerfile.
func checkDockerfile(src string) []string {
	var problems []string
	ins := parseDockerfile(src)
	final := -1
	for _, in := range ins {
		final = max(final, in.Stage)
	}
	if final < 1 {
		problems = append(problems, "not multi-stage (want a build stage and a runtime stage)")
	}
	var build, user, health bool
	for _, in := range ins {
		switch in.Op {
		case "RUN":
			if strings.Contains(in.Args, "go build") {
				build = true
				if !strings.Contains(in.Args, "CGO_ENABLED=0") {
					problems = append(problems, "go build without CGO_ENABLED=0 (not static)")
				}
				if !strings.Contains(in.Args, "-trimpath") {
					problems = append(problems, "go build without -trimpath")
				}
			}
		case "USER":
			if in.Stage == final {
				user = true
				u, _, _ := strings.Cut(in.Args, ":")
				if u == "" || u == "root" || u == "0" {
					problems = append(problems, "final stage runs as root: USER "+in.Args)
				}
			}
		case "HEALTHCHECK":
			if in.Stage == final {
				health = true
				if !strings.Contains(in.Args, `"healthcheck"`) || !strings.Contains(in.Args, "autospot") {
					problems = append(problems, "HEALTHCHECK does not run `autospot healthcheck`: "+in.Args)
				}
			}
		case "ENV", "ARG":
			for _, f := range strings.Fields(in.Args) {
				name, val, ok := strings.Cut(f, "=")
				if ok && val != "" && secretName.MatchString(name) {
					problems = append(problems, in.Op+" bakes a secret into the image: "+name)
				}
			}
		}
	}
	if !build {
		problems = append(problems, "no go build step")
	}
	if !user {
		problems = append(problems, "final stage has no USER (runs as root)")
	}
	if !health {
		problems = append(problems, "final stage has no HEALTHCHECK")
	}
	return problems
}

func TestDockerfile(t *testing.T) {
	if p := checkDockerfile(readRepoFile(t, "Dockerfile")); len(p) > 0 {
		t.Fatalf("Dockerfile:\n  %s", strings.Join(p, "\n  "))
	}
	ignore := strings.Fields(readRepoFile(t, ".dockerignore"))
	for _, want := range []string{".env", "data/", ".git/", "*.key", "*.pem"} {
		if !slices.Contains(ignore, want) {
			t.Errorf(".dockerignore does not exclude %s from the build context", want)
		}
	}
}

// TestDockerfileChecksBite shows each Dockerfile check failing on a
// Dockerfile with that defence removed.
func TestDockerfileChecksBite(t *testing.T) {
	good := readRepoFile(t, "Dockerfile")
	cases := []struct {
		name, old, new, want string
	}{
		{"root user", "USER 65532:65532", "USER root", "runs as root"},
		{"no user", "USER 65532:65532", "", "no USER"},
		{"cgo", "CGO_ENABLED=0 ", "", "CGO_ENABLED=0"},
		{"no trimpath", "-trimpath", "", "-trimpath"},
		{"curl healthcheck", `CMD ["/usr/local/bin/autospot", "healthcheck"]`, `CMD curl -f http://localhost:8000/api/health`, "autospot healthcheck"},
		{"secret in image", "AUTOSPOT_DATA_DIR=/data", "AUTOSPOT_DATA_DIR=/data JWT_SECRET_KEY=abc", "bakes a secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("Dockerfile no longer contains %q", tc.old)
			}
			p := checkDockerfile(strings.Replace(good, tc.old, tc.new, 1))
			if !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Fatalf("want a problem mentioning %q, got %q", tc.want, p)
			}
		})
	}
}

// ---- docker-compose.yml ----

type composeService struct {
	Image       string            `yaml:"image"`
	Command     any               `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	EnvFile     any               `yaml:"env_file"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Ports    []string `yaml:"ports"`
	Volumes  []string `yaml:"volumes"`
	Networks any      `yaml:"networks"`
	User     string   `yaml:"user"`
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

// replicas are the API services nginx balances across.
var replicas = []string{"autospot-1", "autospot-2"}

// varRef is a whole-value reference to a variable, ${NAME} or ${NAME:?msg}.
var varRef = regexp.MustCompile(`^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$`)

// credURL finds credentials written into a connection URL.
var credURL = regexp.MustCompile(`(?i)(mongodb(\+srv)?|rediss?)://[^/\s"']*:[^@\s"']+@`)

func commandString(c any) string {
	switch v := c.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, " ")
	}
	return ""
}

// checkCompose returns what is wrong with a compose file. nginxConf is
// deploy/nginx.conf, cross-checked for the upstreams.
func checkCompose(src, nginxConf string) []string {
	var problems []string
	bad := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	var c composeFile
	if err := yaml.Unmarshal([]byte(src), &c); err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue // the header comment shows the URL shapes .env needs
		}
		if m := credURL.FindString(line); m != "" {
			bad("credentials written inline in a URL: %q", m)
		}
	}
	for _, name := range append([]string{"mongodb", "redis", "nginx"}, replicas...) {
		if _, ok := c.Services[name]; !ok {
			bad("service %s missing", name)
		}
	}
	for name, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) == 0 {
			bad("service %s has no healthcheck", name)
		}
		for k, v := range s.Environment {
			if secretName.MatchString(k) && !varRef.MatchString(v) {
				bad("service %s: %s is written inline (want ${VAR} from .env)", name, k)
			}
		}
		if s.User == "root" || s.User == "0" {
			bad("service %s runs as root", name)
		}
	}
	if m, ok := c.Services["mongodb"]; ok {
		if !strings.Contains(commandString(m.Command), "--auth") {
			bad("mongodb runs without --auth")
		}
		for _, k := range []string{"MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD", "MONGO_APP_USER", "MONGO_APP_PASSWORD"} {
			if !varRef.MatchString(m.Environment[k]) {
				bad("mongodb: %s not taken from .env", k)
			}
		}
		if !slices.ContainsFunc(m.Volumes, func(v string) bool {
			return strings.HasPrefix(v, "./deploy/mongo-init.js:/docker-entrypoint-initdb.d/")
		}) {
			bad("mongodb does not create the server's least-privileged account (deploy/mongo-init.js)")
		}
		if len(m.Ports) > 0 {
			bad("mongodb publishes ports %v outside the compose network", m.Ports)
		}
	}
	if r, ok := c.Services["redis"]; ok {
		cmd := commandString(r.Command)
		if !strings.Contains(cmd, "requirepass") {
			bad("redis runs without requirepass")
		}
		if !strings.Contains(cmd, "--appendonly yes") {
			bad("redis runs without --appendonly yes")
		}
		if !varRef.MatchString(r.Environment["REDIS_PASSWORD"]) {
			bad("redis: REDIS_PASSWORD not taken from .env")
		}
		if len(r.Ports) > 0 {
			bad("redis publishes ports %v outside the compose network", r.Ports)
		}
	}
	nginxIP := ""
	if n, ok := c.Services["nginx"]; ok {
		if nets, ok := n.Networks.(map[string]any); ok {
			if nb, ok := nets["backend"].(map[string]any); ok {
				nginxIP, _ = nb["ipv4_address"].(string)
			}
		}
		if nginxIP == "" {
			bad("nginx has no fixed address for the replicas to trust")
		}
		if !slices.Contains(n.Volumes, "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro") {
			bad("nginx does not mount deploy/nginx.conf read-only")
		}
	}
	for _, name := range replicas {
		s, ok := c.Services[name]
		if !ok {
			continue
		}
		if s.EnvFile != ".env" {
			bad("%s: secrets must come from env_file .env, got %v", name, s.EnvFile)
		}
		if s.Environment["ENV"] != "production" {
			bad("%s: ENV is %q, want production", name, s.Environment["ENV"])
		}
		if tp := s.Environment["AUTOSPOT_TRUSTED_PROXIES"]; tp == "" || tp != nginxIP {
			bad("%s: AUTOSPOT_TRUSTED_PROXIES is %q, want exactly nginx's address %q", name, tp, nginxIP)
		}
		if len(s.Ports) > 0 {
			bad("%s publishes ports %v: traffic must go through nginx", name, s.Ports)
		}
		if !strings.Contains(nginxConf, "server "+name+":8000 ") || s.Environment["AUTOSPOT_ADDR"] != ":8000" {
			bad("%s: not an upstream of deploy/nginx.conf on the port it listens on", name)
		}
	}
	return problems
}

func TestCompose(t *testing.T) {
	if p := checkCompose(readRepoFile(t, "docker-compose.yml"), readRepoFile(t, "deploy/nginx.conf")); len(p) > 0 {
		t.Fatalf("docker-compose.yml:\n  %s", strings.Join(p, "\n  "))
	}
	if !slices.Contains(strings.Fields(readRepoFile(t, ".gitignore")), "/.env") {
		t.Error(".gitignore does not exclude /.env: the secrets file could be committed")
	}
}

// TestComposeChecksBite shows each compose check failing on a file with
// that defence removed.
func TestComposeChecksBite(t *testing.T) {
	good := readRepoFile(t, "docker-compose.yml")
	conf := readRepoFile(t, "deploy/nginx.conf")
	cases := []struct {
		name, old, new, want string
	}{
		{"mongo without auth", `"--auth", `, "", "without --auth"},
		{"no app account", "      - ./deploy/mongo-init.js:", "      - ./deploy/other.js:", "least-privileged"},
		{"inline app password", "${MONGO_APP_PASSWORD:?set MONGO_APP_PASSWORD in .env}", "changeme-changeme", "MONGO_APP_PASSWORD"},
		{"inline mongo password", "${MONGO_ROOT_PASSWORD:?set MONGO_ROOT_PASSWORD in .env}", "hunter2hunter2", "MONGO_INITDB_ROOT_PASSWORD"},
		{"redis without password", `printf 'requirepass "%s"\n' "$$REDIS_PASSWORD" | exec redis-server -`, "exec redis-server", "requirepass"},
		{"redis without aof", "--appendonly yes", "--appendonly no", "appendonly"},
		{"inline URI", "AUTOSPOT_ADDR: \":8000\"", "AUTOSPOT_ADDR: \":8000\"\n    MONGODB_URI: mongodb://root:pw@mongodb:27017/", "credentials written inline"},
		{"inline JWT secret", "AUTOSPOT_ADDR: \":8000\"", "AUTOSPOT_ADDR: \":8000\"\n    JWT_SECRET_KEY: not-from-env", "JWT_SECRET_KEY is written inline"},
		{"trust everyone", "AUTOSPOT_TRUSTED_PROXIES: 172.28.0.10", "AUTOSPOT_TRUSTED_PROXIES: 0.0.0.0/0", "AUTOSPOT_TRUSTED_PROXIES"},
		{"no healthcheck", "    healthcheck:\n      test: [\"CMD\", \"wget\"", "    x-removed:\n      test: [\"CMD\", \"wget\"", "nginx has no healthcheck"},
		{"no env file", "env_file: .env", "env_file: secrets.env", "env_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("docker-compose.yml no longer contains %q", tc.old)
			}
			p := checkCompose(strings.Replace(good, tc.old, tc.new, 1), conf)
			if !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Fatalf("want a problem mentioning %q, got %q", tc.want, p)
			}
		})
	}
}

// ---- deploy/nginx.conf, the text ----

// TestNginxDirectives checks the settings the seed asks for and the
// forwarded headers the server's trusted-proxy resolver expects.
func TestNginxDirectives(t *testing.T) {
	conf := readRepoFile(t, "deploy/nginx.conf")
	for _, want := range []string{
		"ssl_protocols TLSv1.2 TLSv1.3;",
		"return 301 https://$server_name$request_uri;",
		"limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;",
		"limit_req zone=api burst=20 nodelay;",
		"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
		"proxy_set_header X-Real-IP $remote_addr;",
		"proxy_set_header X-Forwarded-Proto $scheme;",
		"proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout",
		`add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`,
		`add_header X-Frame-Options "DENY" always;`,
		`add_header X-Content-Type-Options "nosniff" always;`,
		`add_header Content-Security-Policy "default-src 'self'" always;`,
		"location = /health {",
		"proxy_pass http://autospot_backend/api/health;",
		"server_tokens off;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("deploy/nginx.conf lacks %q", want)
		}
	}
	for _, bad := range []string{"TLSv1 ", "TLSv1.1", "SSLv3", "proxy_set_header X-Forwarded-For $http_x_forwarded_for"} {
		if strings.Contains(conf, bad) {
			t.Errorf("deploy/nginx.conf contains %q", bad)
		}
	}
}

// ---- .github/workflows/deploy.yml ----

// TestDeployWorkflow checks that the deploy workflow parses, runs the
// whole CI before anything else, and deploys only from main.
func TestDeployWorkflow(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "workflows", "deploy.yml"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip(".github/workflows/deploy.yml is not in this checkout")
	}
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Needs any              `yaml:"needs"`
			If    string           `yaml:"if"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(src, &wf); err != nil {
		t.Fatalf("deploy.yml does not parse: %v", err)
	}
	test, ok := wf.Jobs["test"]
	if !ok || !slices.ContainsFunc(test.Steps, func(s map[string]any) bool { return strings.Contains(fmt.Sprint(s["run"]), ".ci/run") }) {
		t.Error("deploy.yml: no test job running .ci/run")
	}
	for _, name := range []string{"image", "deploy"} {
		j, ok := wf.Jobs[name]
		if !ok {
			t.Errorf("deploy.yml: no %s job", name)
			continue
		}
		if j.Needs == nil || !strings.Contains(j.If, "refs/heads/main") {
			t.Errorf("deploy.yml: job %s must need the earlier jobs and run only on main (needs %v, if %q)", name, j.Needs, j.If)
		}
	}
	if credURL.Match(src) || regexp.MustCompile(`StrictHostKeyChecking=no`).Match(src) {
		t.Error("deploy.yml: inline credentials or disabled host-key checking")
	}
}

# Sourced by scripts/bench and scripts/load: bash helpers, no other language.

# A free loopback TCP port: a random one from 20000-39999 that nothing answers on.
free_port() {
  local port=$((20000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# A fresh SECRET_KEY in the form `just secret` prints: 64 random bytes, URL-safe base64, no
# padding (86 characters).
new_key() {
  head -c 64 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

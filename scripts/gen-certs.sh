#!/usr/bin/env bash
# Makes the development certificates in certs/ (openssl CLI, ECDSA P-256):
#   certs/ca.pem, certs/ca.key               a development CA, valid 10 years
#   certs/localhost.pem, certs/localhost.key the server's chain (leaf, then the CA) and its PKCS#8 key,
#                                            for localhost, 127.0.0.1 and ::1, valid 825 days
# h2lab embeds certs/localhost.pem and certs/localhost.key as its default identity; run this script
# again (and rebuild) when h2lab warns that the certificate is about to expire.
# Trust the CA:  curl --cacert certs/ca.pem https://localhost:8443/
set -euo pipefail
cd "$(dirname "$0")/../certs"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout ca.key -out ca.pem -days 3650 -sha256 \
  -subj "/O=h2lab development/CN=h2lab development CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout localhost.key -out "$work/localhost.csr" \
  -subj "/O=h2lab development/CN=localhost" 2>/dev/null

cat > "$work/leaf.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT

openssl x509 -req -in "$work/localhost.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out "$work/leaf.pem" -days 825 -sha256 -extfile "$work/leaf.ext" 2>/dev/null
rm -f ca.srl

cat "$work/leaf.pem" ca.pem > localhost.pem
chmod 600 ca.key localhost.key
openssl x509 -in localhost.pem -noout -subject -enddate

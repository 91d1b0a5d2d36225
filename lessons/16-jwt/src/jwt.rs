//! JSON Web Tokens: `POST /api/token` trades a username and a password for one, and
//! `Authorization: Bearer <jwt>` proves who you are until it expires.
//!
//! A JWT is three base64url parts joined by dots: a header (`{"alg":"HS256","typ":"JWT"}`), the
//! claims (`{"sub":"1","iat":...,"exp":...}`) and a signature of the first two. Anyone can read
//! the claims (they are not encrypted); nobody without the key can change them. The server keeps
//! nothing: the signature and `exp` are the whole check, which is why a JWT cannot be revoked
//! before it expires, and why it is short-lived.
//!
//! Flask: `flask_jwt_extended` (`create_access_token(identity=...)`, `@jwt_required()`), or
//! PyJWT by hand: `jwt.encode({"sub": ..., "exp": ...}, key, algorithm="HS256")`.

use actix_web::cookie::time::Duration;
use base64::alphabet::URL_SAFE;
use base64::engine::fast_portable::{FastPortable, NO_PAD};
use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use shared::Site;

// ANCHOR: claims
/// How long a JWT is good for. Short: nothing on the server can take one back.
pub const LIFETIME: Duration = Duration::minutes(15);

/// How far ahead of this server's clock `iat` and `nbf` may be: another server's clock that is
/// a little fast. More than that and the token claims a time that has not come yet.
pub const CLOCK_LEEWAY: Duration = Duration::seconds(30);

/// The claims this app signs: `sub` (subject: the user's id, a string as the standard says),
/// `iat` (issued at) and `exp` (expires), both in seconds since 1970. `nbf` (not before) is
/// never signed here, but checked when a token has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}
// ANCHOR_END: claims

// ANCHOR: key
/// The HS256 key: derived from `SECRET_KEY` (HMAC-SHA256 of a fixed label, keyed with the
/// site's signing key), not the signing key itself, so a JWT signature and a cookie signature
/// can never stand in for each other. Changing `SECRET_KEY` ends every JWT, as it ends every
/// session.
pub fn key(site: &Site) -> [u8; 32] {
    let mut mac =
        HmacSha256::new_from_slice(site.key().signing()).expect("HMAC takes a key of any length");
    mac.update(b"session-lessons lesson 16: the HS256 key for JWTs");
    mac.finalize().into_bytes().into()
}
// ANCHOR_END: key

// ANCHOR: issue
/// A JWT for user `id`, good from `now` (unix seconds) for [`LIFETIME`].
pub fn issue(key: &[u8], id: i64, now: i64) -> Result<String, jsonwebtoken::errors::Error> {
    install_hs256();
    let exp = now + LIFETIME.whole_seconds();
    let claims = Claims { sub: id.to_string(), iat: now, exp, nbf: None };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(key)?)
}
// ANCHOR_END: issue

// ANCHOR: verify
/// Why a JWT was refused. The message goes back to the client in the 401 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not three base64url parts of JSON, or claims of the wrong shape.
    Malformed,
    /// A header that names another algorithm than HS256: `none`, `RS256`, anything.
    WrongAlgorithm,
    /// Not signed with this server's key, or changed after it was signed.
    BadSignature,
    /// `exp` has passed.
    Expired,
    /// `iat` is later than now (beyond [`CLOCK_LEEWAY`]).
    IssuedInTheFuture,
    /// `nbf` is later than now (beyond [`CLOCK_LEEWAY`]).
    NotYetValid,
    /// From `iat` to `exp` is longer than [`LIFETIME`]: not a token this server made.
    TooLong,
}

impl Refused {
    pub fn message(self) -> &'static str {
        match self {
            Refused::Malformed => "The token is not a well-formed JWT.",
            Refused::WrongAlgorithm => {
                "The token is not signed with HS256, the only algorithm accepted."
            }
            Refused::BadSignature => {
                "The token's signature does not match: it was changed, or not made here."
            }
            Refused::Expired => "The token has expired: ask POST /api/token for a new one.",
            Refused::IssuedInTheFuture => "The token says it was issued later than now.",
            Refused::NotYetValid => "The token is not valid yet (its nbf is later than now).",
            Refused::TooLong => {
                "The token lives longer than the 15 minutes this server gives a JWT."
            }
        }
    }
}

/// The claims of `token` if it is an HS256 JWT signed with `key` that is good at `now`.
///
/// The algorithm is fixed here, never taken from the token's header: a header saying
/// `"alg":"none"` (no signature at all) or `"alg":"RS256"` is refused before any check. The
/// times are checked against `now` (the site's clock, which tests move): `exp` with no leeway;
/// `iat` and `nbf` not later than now, give or take [`CLOCK_LEEWAY`]; and at most [`LIFETIME`]
/// from `iat` to `exp`. A signature proves only that the key made the token: a token that
/// claims to be good for 31 years was not made by [`issue`], and means a leaked key or a bug.
pub fn verify(key: &[u8], token: &str, now: i64) -> Result<Claims, Refused> {
    install_hs256();
    // jsonwebtoken refuses these too (it knows no `none`); reading `alg` first names the reason.
    if named_algorithm(token).is_some_and(|alg| alg != "HS256") {
        return Err(Refused::WrongAlgorithm);
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    // jsonwebtoken would compare `exp` with the system clock; the site's clock does it below.
    validation.validate_exp = false;
    validation.leeway = 0;
    let key = DecodingKey::from_secret(key).map_err(|_| Refused::BadSignature)?;
    let claims = match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
        Ok(data) => data.claims,
        Err(error) => {
            return Err(match error.kind() {
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    Refused::WrongAlgorithm
                }
                ErrorKind::InvalidSignature => Refused::BadSignature,
                _ => Refused::Malformed,
            });
        }
    };
    let leeway = CLOCK_LEEWAY.whole_seconds();
    if claims.exp <= now {
        return Err(Refused::Expired);
    }
    if claims.iat > now + leeway {
        return Err(Refused::IssuedInTheFuture);
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + leeway) {
        return Err(Refused::NotYetValid);
    }
    if claims.exp - claims.iat > LIFETIME.whole_seconds() {
        return Err(Refused::TooLong);
    }
    Ok(claims)
}

/// The `alg` that the header of `token` names, if it has a readable one. Only to say why a
/// token is refused: what is checked is fixed in [`verify`], whatever the header says.
fn named_algorithm(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct NamedAlgorithm {
        alg: String,
    }
    const BASE64URL: FastPortable = FastPortable::from(&URL_SAFE, NO_PAD);
    let header = base64::decode_engine(token.split('.').next()?, &BASE64URL).ok()?;
    serde_json::from_slice::<NamedAlgorithm>(&header).ok().map(|header| header.alg)
}
// ANCHOR_END: verify

// ANCHOR: hs256
/// jsonwebtoken 10 and later sign with whatever crypto backend the app installs. Its two
/// built-in ones bring all of RSA and elliptic curves (or AWS's C library); HS256 needs only
/// HMAC-SHA256, which the `cookie` crate already builds for signed cookies. So: this provider,
/// HS256 only, installed once for the process.
static HS256_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: |algorithm, key| match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256(mac(key.as_bytes())?))),
        _ => Err(ErrorKind::UnsupportedAlgorithm.into()),
    },
    verifier_factory: |algorithm, key| match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256(mac(key.try_get_as_bytes()?)?))),
        _ => Err(ErrorKind::UnsupportedAlgorithm.into()),
    },
    // Only needed for JWK key sets (public keys published as JSON), which this app has none of.
    key_utils: KeyUtils::new_unimplemented(),
};

fn install_hs256() {
    // Already installed (by an earlier call) is fine: it is this one.
    let _ = HS256_ONLY.install_default();
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> Result<HmacSha256, jsonwebtoken::errors::Error> {
    HmacSha256::new_from_slice(key).map_err(|_| ErrorKind::InvalidKeyFormat.into())
}

struct Hs256(HmacSha256);

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    /// `verify_slice` compares in constant time.
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.verify_slice(signature).map_err(|_| signature::Error::new())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}
// ANCHOR_END: hs256

#[cfg(test)]
mod tests;

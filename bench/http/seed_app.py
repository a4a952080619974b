"""The seed's own stack, minimal, for the side-by-side HTTP benchmark.

FastAPI + PyJWT + passlib as the AutoSpot seed document writes them
(security-and-deployment-guide.md): the seed's security-headers
middleware, bcrypt at cost 12 through passlib's CryptContext, HS256 access
tokens checked with PyJWT (signature, exp, iat, iss, aud, type, sub).
Users live in a dict, not MongoDB: cheaper than any real lookup, so the
comparison favours this app.

Run by bench/http/run.sh:
  JWT_SECRET_KEY=... python3 -m uvicorn seed_app:app --app-dir bench/http --workers 2
"""

import os
import time
import uuid

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from passlib.context import CryptContext
from pydantic import BaseModel

SECRET = os.environ["JWT_SECRET_KEY"]
ISSUER = "autospot"
AUDIENCE = "autospot-api"
ACCESS_TTL = 3600

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto", bcrypt__rounds=12)

BENCH_EMAIL = os.environ.get("BENCH_EMAIL", "bench@example.com")
BENCH_PASSWORD = os.environ["BENCH_PASSWORD"]
USERS = {
    "u1": {
        "id": "u1",
        "email": BENCH_EMAIL,
        "username": "bench",
        "full_name": "Bench User",
        "roles": ["driver"],
        "hashed_password": pwd_context.hash(BENCH_PASSWORD),
    }
}
BY_EMAIL = {u["email"]: u for u in USERS.values()}

app = FastAPI()
security = HTTPBearer()


@app.middleware("http")
async def add_security_headers(request: Request, call_next):
    # The seed's middleware, verbatim.
    response = await call_next(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-XSS-Protection"] = "1; mode=block"
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    response.headers["Content-Security-Policy"] = "default-src 'self'"
    return response


class UserLogin(BaseModel):
    email: str
    password: str


def create_access_token(user_id: str) -> str:
    now = int(time.time())
    claims = {
        "sub": user_id,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ACCESS_TTL,
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def get_current_user(credentials: HTTPAuthorizationCredentials = Depends(security)):
    try:
        claims = jwt.decode(
            credentials.credentials,
            SECRET,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="invalid token")
    if claims.get("type") != "access":
        raise HTTPException(status_code=401, detail="invalid token")
    user = USERS.get(claims["sub"])
    if user is None:
        raise HTTPException(status_code=401, detail="invalid token")
    return user


@app.post("/auth/login")
async def login(body: UserLogin):
    # As the seed writes it: an async handler calling passlib directly.
    user = BY_EMAIL.get(body.email)
    if user is None or not pwd_context.verify(body.password, user["hashed_password"]):
        raise HTTPException(status_code=401, detail="invalid email or password")
    return {"access_token": create_access_token(user["id"]), "token_type": "bearer"}


@app.get("/auth/profile")
async def profile(user=Depends(get_current_user)):
    return {k: v for k, v in user.items() if k != "hashed_password"}


@app.get("/api/health")
async def health():
    return {"status": "healthy"}

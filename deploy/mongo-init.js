// Runs once, on MongoDB's first start with an empty volume
// (docker-entrypoint-initdb.d, as the root user): creates the least
// privileged account the server uses. MONGODB_URI in .env must then be
//   mongodb://$MONGO_APP_USER:$MONGO_APP_PASSWORD@mongodb:27017/autospot?authSource=admin
// (URL-encode the password if it has reserved characters).
const user = process.env.MONGO_APP_USER;
const pwd = process.env.MONGO_APP_PASSWORD;
if (!user || !pwd || pwd.length < 16) {
  throw new Error("MONGO_APP_USER and MONGO_APP_PASSWORD (16+ characters) must be set in .env");
}
db.getSiblingDB("admin").createUser({
  user: user,
  pwd: pwd,
  roles: [{ role: "readWrite", db: "autospot" }],
});

import { Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import "aws-sdk-client-mock-jest";

Testing.setupJest();

// Lambda runs Node.js 22; the SDK's notice about older Node.js versions is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

internal import CLua
internal import CLuaShims

/// A method of a userdata type: the object, then the call (argument 0 is the
/// first argument after the object; push results on the call).
public typealias LuaMethod<Object: AnyObject> = (Object, LuaCall) throws -> Void

extension LuaState {
    // MARK: - Userdata types

    /// Lets objects of `type` cross into Lua as userdata named `name`, with
    /// `methods` callable as `object:method(...)`.
    ///
    /// Each userdata retains its object and releases it in `__gc`. Objects
    /// passed to a call (`LuaArgument.object`) or pushed by a function during
    /// one are stamped with that call's token and refuse every method once the
    /// call returned, with a Lua error instead of a crash: a script cannot keep
    /// a node of a freed document. The exact dynamic type must be registered.
    public func register<Object: AnyObject>(type: Object.Type, name: String, methods: [String: LuaMethod<Object>]) {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        userdataTypes[ObjectIdentifier(type)] = name
        clua_new_handle_metatable(L, name)
        lua_createtable(L, 0, Int32(clamping: methods.count))
        for (methodName, method) in methods {
            stack.pushString(methodName)
            pushFunction { call in
                let object = try call.object(0, as: Object.self)
                try method(object, call.droppingFirst())
            }
            lua_rawset(L, -3)
        }
        lua_setfield(L, -2, "__index")
    }

    /// Sets a global to an object that stays valid for the state's lifetime
    /// (until the script drops it and the collector runs its `__gc`).
    public func setGlobal(_ name: String, object: AnyObject) throws(LuaError) {
        clua_pushglobaltable(L)
        stack.pushString(name)
        do {
            try pushObject(object, token: 0)
        } catch {
            lua_settop(L, -3)
            throw error
        }
        lua_rawset(L, -3)
        lua_settop(L, -2)
    }

    /// Pushes `object` as userdata stamped with `token` (0: never expires).
    /// Stack: [-0, +1]
    func pushObject(_ object: AnyObject, token: UInt64, on target: LuaStack? = nil) throws(LuaError) {
        let stack = target ?? self.stack
        guard let name = userdataTypes[ObjectIdentifier(Swift.type(of: object))] else {
            throw LuaError(kind: .conversion, message: "cannot pass a \(Swift.type(of: object)): its type is not registered")
        }
        guard lua_checkstack(stack.L, 2) != 0 else { throw LuaError(kind: .conversion, message: "Lua stack full") }
        let box = Unmanaged<AnyObject>.passRetained(object).toOpaque()
        clua_push_handle(stack.L, box, token, name)
    }

    /// The object of the userdata at `index`, checked for type and token.
    func object<Object: AnyObject>(at index: Int32, on stack: LuaStack, as type: Object.Type, what: String) throws(LuaError) -> Object {
        guard let name = userdataTypes[ObjectIdentifier(type)] else {
            throw LuaError(kind: .conversion, message: "\(type) is not a registered userdata type")
        }
        var token: UInt64 = 0
        guard let box = clua_test_handle(stack.L, index, name, &token) else {
            let got = String(cString: lua_typename(stack.L, lua_type(stack.L, index)))
            throw LuaError(kind: .runtime, message: "bad \(what) (\(name) expected, got \(got))")
        }
        guard token == 0 || token == callToken else {
            throw LuaError(kind: .runtime, message: "this \(name) belonged to an earlier call and can no longer be used")
        }
        guard let object = Unmanaged<AnyObject>.fromOpaque(box).takeUnretainedValue() as? Object else {
            throw LuaError(kind: .runtime, message: "bad \(what) (\(name) expected)")
        }
        return object
    }
}

// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {ERC1820RegistryCompiled} from "../../superfluid/ERC1820RegistryCompiled.sol";
import {TestBase} from "./TestBase.sol";

/// @dev Cheatcodes of the forge that runs the tests, missing from forge-std 1.1.2's Vm.
interface ArtifactCheats {
    function readFile(string calldata path) external view returns (string memory);
    function parseJsonString(string calldata json, string calldata key) external pure returns (string memory);
    function parseBytes(string calldata hexString) external pure returns (bytes memory);
    function replace(string calldata input, string calldata from, string calldata to)
        external
        pure
        returns (string memory);
    function etch(address target, bytes calldata code) external;
}

/// @dev Addresses returned by SuperfluidFrameworkDeployer.getFramework(), in its field order.
struct SuperfluidFramework {
    address governance;
    address host;
    address cfa;
    address ida;
    address gda;
    address superTokenFactory;
    address superTokenLogic;
    address resolver;
    address superfluidLoader;
    address cfaV1Forwarder;
    address gdaV1Forwarder;
    address macroForwarder;
    address clearMacroForwarderV1WithPermit2;
    address batchLiquidator;
    address toga;
}

interface ISuperfluidFrameworkDeployer {
    function getNumSteps() external pure returns (uint8);
    function executeStep(uint8 step) external;
    function getFramework() external view returns (SuperfluidFramework memory);
    function deployWrapperSuperToken(
        string calldata underlyingName,
        string calldata underlyingSymbol,
        uint8 decimals,
        uint256 mintLimit,
        address admin
    ) external returns (address underlyingToken, address superToken);
}

/// @dev Deploys the real Superfluid framework inside a forge test from the compiled artifacts that
/// the npm package of Superfluid ships (build/hardhat), kept in superfluid/artifacts by
/// scripts/superfluid-artifacts.mjs, instead of compiling its sources:
/// the package lacks the solidity-semantic-money sources the GDA imports, so
/// its sources do not compile here (docs/payments.md has the measurements). The artifacts need
/// library linking, done here the way a linker does it: deploy each library, then put its address
/// where the bytecode holds the placeholder `__$<first 34 hex digits of keccak256(fqName)>$__`.
abstract contract SuperfluidFromArtifacts is TestBase {
    string private constant BUILD = "superfluid/artifacts/";
    string private constant STEPS = "contracts/utils/SuperfluidFrameworkDeploymentSteps.t.sol";

    ArtifactCheats private constant cheats = ArtifactCheats(address(uint160(uint256(keccak256("hevm cheat code")))));

    string[] private _linkedNames;
    address[] private _linkedAddresses;

    function _deploySuperfluid()
        internal
        returns (ISuperfluidFrameworkDeployer deployer, SuperfluidFramework memory sf)
    {
        cheats.etch(ERC1820RegistryCompiled.ADDRESS, ERC1820RegistryCompiled.BYTECODE);
        // Leaves first: the GDA and IDA deployer libraries link these two.
        _deployLibrary("contracts/libs/SlotsBitmapLibrary.sol", "SlotsBitmapLibrary");
        _deployLibrary("contracts/agreements/gdav1/SuperfluidPoolDeployerLibrary.sol", "SuperfluidPoolDeployerLibrary");
        string[14] memory steps = [
            "CFAv1ForwarderDeployerLibrary",
            "GDAv1ForwarderDeployerLibrary",
            "ProxyDeployerLibrary",
            "SuperTokenDeployerLibrary",
            "SuperTokenFactoryDeployerLibrary",
            "SuperfluidCFAv1DeployerLibrary",
            "SuperfluidGDAv1DeployerLibrary",
            "SuperfluidGovDeployerLibrary",
            "SuperfluidHostDeployerLibrary",
            "SuperfluidIDAv1DeployerLibrary",
            "SuperfluidPeripheryDeployerLibrary",
            "SuperfluidPoolLogicDeployerLibrary",
            "SuperfluidPoolNFTLogicDeployerLibrary",
            "TokenDeployerLibrary"
        ];
        for (uint256 i = 0; i < steps.length; i++) {
            _deployLibrary(STEPS, steps[i]);
        }
        deployer = ISuperfluidFrameworkDeployer(
            _create(_linkedCode("contracts/utils/SuperfluidFrameworkDeployer.t.sol", "SuperfluidFrameworkDeployer"))
        );
        uint8 n = deployer.getNumSteps();
        for (uint8 step = 0; step < n; step++) {
            deployer.executeStep(step);
        }
        sf = deployer.getFramework();
    }

    function _deployLibrary(string memory source, string memory name) private {
        address deployed = _create(_linkedCode(source, name));
        _linkedNames.push(string.concat(source, ":", name));
        _linkedAddresses.push(deployed);
    }

    /// @dev The artifact's creation code with every library deployed so far linked in.
    function _linkedCode(string memory source, string memory name) private view returns (bytes memory) {
        string memory code = cheats.parseJsonString(_artifact(source, name), ".bytecode");
        for (uint256 i = 0; i < _linkedNames.length; i++) {
            code = cheats.replace(code, _placeholder(_linkedNames[i]), _hexDigits(_linkedAddresses[i]));
        }
        return cheats.parseBytes(code);
    }

    function _artifact(string memory source, string memory name) private view returns (string memory) {
        return cheats.readFile(string.concat(BUILD, source, "/", name, ".json"));
    }

    function _create(bytes memory code) private returns (address deployed) {
        assembly {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        require(deployed != address(0), "SuperfluidFromArtifacts: deployment failed");
    }

    /// @dev solc's link placeholder: `__$` + 34 lower-case hex digits of keccak256(fqName) + `$__`.
    function _placeholder(string memory fqName) private pure returns (string memory) {
        bytes32 hash = keccak256(bytes(fqName));
        bytes memory out = new bytes(40);
        out[0] = "_";
        out[1] = "_";
        out[2] = "$";
        for (uint256 i = 0; i < 17; i++) {
            out[3 + 2 * i] = _hexDigit(uint8(hash[i]) >> 4);
            out[4 + 2 * i] = _hexDigit(uint8(hash[i]) & 0x0f);
        }
        out[37] = "$";
        out[38] = "_";
        out[39] = "_";
        return string(out);
    }

    function _hexDigits(address who) private pure returns (string memory) {
        bytes memory out = new bytes(40);
        uint160 value = uint160(who);
        for (uint256 i = 40; i > 0; i--) {
            out[i - 1] = _hexDigit(uint8(value & 0x0f));
            value >>= 4;
        }
        return string(out);
    }

    function _hexDigit(uint8 nibble) private pure returns (bytes1) {
        return nibble < 10 ? bytes1(nibble + 0x30) : bytes1(nibble + 0x57);
    }
}
